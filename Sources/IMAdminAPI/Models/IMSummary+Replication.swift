extension IMSummary {
    /// LogStore replication (`/summary`'s `replication`, only with `replication_listen` or `replica_of`).
    public struct Replication: Codable, Sendable, Equatable {
        /// `primary` (takes appends), `replica` (follows `primary`, read-only) or `deposed` (a former
        /// primary whose replica was promoted: read-only until an operator decides).
        public var role: String?
        /// `async` or `sync` (`replication`).
        public var mode: String?
        /// The replication listener of a primary (null when it serves no replicas).
        public var listen: String?
        /// A replica's primary.
        public var primary: Primary?
        /// The replicas connected to a primary, oldest connection first.
        public var replicas: [Replica]?
        /// `sync`: messages durable here and waiting for replicas before their ACK.
        public var waiting: Int64?

        enum CodingKeys: String, CodingKey { case role, mode, listen, primary, replicas, waiting }

        public init(role: String? = nil) {
            self.role = role
        }
    }

    /// What a replica knows of its primary.
    public struct ReplicationPrimary: Codable, Sendable, Equatable {
        /// `replica_of`, and the primary's node id once it welcomed this replica.
        public var address: String?
        public var name: String?
        public var connected: Bool?
        /// This replica's durable end and newest id.
        public var position: String?
        public var lastID: Int64?
        /// Bytes of the primary's log this replica does not have yet, as of its last message (while
        /// both are in the same segment; null across segments).
        public var lagBytes: Int64?
        /// Seconds since the primary's last message (data, or its head every second while idle).
        public var lastMessageAgeSeconds: Double?
        /// Why the last connection ended or was refused.
        public var lastError: String?
        /// Seconds since the last copy of the primary's directory (tokens, groups, sync keys) was swapped
        /// in here; null before the first.
        public var directoryAgeSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case address, name, connected, position
            case lastID = "last_id"
            case lagBytes = "lag_bytes"
            case lastMessageAgeSeconds = "last_message_age_seconds"
            case lastError = "last_error"
            case directoryAgeSeconds = "directory_age_seconds"
        }

        public init(address: String? = nil) {
            self.address = address
        }
    }

    /// One replica connected to a primary, and how far behind it is.
    public struct ReplicationReplica: Codable, Sendable, Equatable {
        /// The replica's node id and address.
        public var name: String?
        public var address: String?
        public var connectedSeconds: Double?
        /// What the replica has durably: its position in the log and newest id.
        public var position: String?
        public var lastID: Int64?
        /// Messages, bytes and seconds (the age of the oldest message it lacks) it is behind.
        public var lagRecords: Int64?
        public var lagBytes: Int64?
        public var lagSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case name, address, position
            case connectedSeconds = "connected_seconds"
            case lastID = "last_id"
            case lagRecords = "lag_records"
            case lagBytes = "lag_bytes"
            case lagSeconds = "lag_seconds"
        }

        public init(name: String? = nil) {
            self.name = name
        }
    }
}

extension IMSummary.Replication {
    public typealias Primary = IMSummary.ReplicationPrimary
    public typealias Replica = IMSummary.ReplicationReplica
}
