/// A user's connections and speak-forbidden flag (`GET /users/online`).
public struct IMOnlineUser: Codable, Sendable, Equatable {
    /// One logged-in connection.
    public struct Session: Codable, Sendable, Equatable {
        public var sessionID: UInt64
        public var deviceID: Int64
        /// `ios`, `android`, `web`, or the platform's number.
        public var platform: String
        /// The protocol version of its login frame.
        public var version: Int
        /// The client's `ip:port`; absent when the socket no longer has one.
        public var address: String?
        /// Unix seconds of the login.
        public var loggedInAt: Int64
        /// Seconds since the last complete frame from the client (to the millisecond).
        public var idleSeconds: Double
        /// Real-time copies held because the client is not reading.
        public var heldPushes: Int
        /// The node that holds it (its `node_id`).
        public var node: String?

        enum CodingKeys: String, CodingKey {
            case platform, version, address, node
            case sessionID = "session_id"
            case deviceID = "device_id"
            case loggedInAt = "logged_in_at"
            case idleSeconds = "idle_seconds"
            case heldPushes = "held_pushes"
        }

        public init(
            sessionID: UInt64,
            deviceID: Int64,
            platform: String,
            version: Int,
            address: String?,
            loggedInAt: Int64,
            idleSeconds: Double,
            heldPushes: Int,
            node: String? = nil
        ) {
            self.sessionID = sessionID
            self.deviceID = deviceID
            self.platform = platform
            self.version = version
            self.address = address
            self.loggedInAt = loggedInAt
            self.idleSeconds = idleSeconds
            self.heldPushes = heldPushes
            self.node = node
        }
    }

    public var uid: Int64
    public var online: Bool
    /// Speak-forbidden (`POST /users/mute`).
    public var forbidden: Bool
    public var sessions: [Session]

    public init(uid: Int64, online: Bool, forbidden: Bool, sessions: [Session]) {
        self.uid = uid
        self.online = online
        self.forbidden = forbidden
        self.sessions = sessions
    }
}
