extension IMAdmin {
    /// `POST /words/reload` → `{"data":{"words":N}}`: re-reads `word_file` (500 and the old list stays if
    /// it cannot be read; 409 if none is configured).
    public enum WordsReload: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<WordCount>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/words/reload"
    }

    /// `GET /words` → `{"data":{"file":path|null,"words":N}}`.
    public enum WordsShow: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<WordList>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/words"
    }

    /// `GET /store/stats` → `{"data":IMStoreStatistics}` (as `/summary`'s `store`).
    public enum StoreStats: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<IMStoreStatistics>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/store/stats"
    }

    /// `POST /store/snapshot` → `{"data":{"bytes","milliseconds","last_id","queues","messages"}}`: writes
    /// the index snapshot now; 503 while the store closes, 409 for a store without snapshots.
    public enum StoreSnapshot: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<Snapshot>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/store/snapshot"
    }

    /// `POST /store/compact` → `{"data":{"segments_deleted","bytes_freed","messages_removed",
    /// "entries_removed","oldest_key","bytes"}}`: applies `retention` and `retention_bytes` now (the store
    /// also does every minute); 503 while the store closes, 409 for a store without retention.
    public enum StoreCompact: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<Compaction>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/store/compact"
    }

    /// `POST /store/promote` → `{"data":{"first_id","last_id","position"}}`: turns this replica
    /// (`replica_of`) into a primary: it stops following, takes appends from now on, its ids continuing
    /// after the highest it has seen; 409 on a primary.
    public enum StorePromote: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<Promotion>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/store/promote"
    }

    /// `GET /config` → `{"data":{...}}`: the configuration the server runs with, keys as in imd's config
    /// file, secrets as `"<redacted>"`, plus the current `log_level`. Free-form: it follows the
    /// configuration.
    public enum Config: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<IMJSON>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/config"
    }

    /// `GET /log-level` → `{"data":{"level":"info"}}`.
    public enum LogLevelShow: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<LogLevel>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/log-level"
    }

    /// `PUT /log-level {"level":"debug"}` → `{"data":{"level":"debug","previous":"info"}}`; levels trace,
    /// debug, info, notice, warning, error, critical; not kept across a restart.
    public enum LogLevelSet: IMAdminEndpoint {
        public typealias Request = LogLevelChange
        public typealias Reply = IMDataReply<LogLevel>
        public static let methods: [IMAdminMethod] = [.put]
        public static let path = "/log-level"
    }

    /// `POST /words/reload`'s data.
    public struct WordCount: Codable, Sendable, Equatable {
        public var words: Int

        public init(words: Int) {
            self.words = words
        }
    }

    /// `GET /words`'s data: the word file (null when none is configured) and the words in use.
    public struct WordList: Codable, Sendable, Equatable {
        public var file: String?
        public var words: Int

        enum CodingKeys: String, CodingKey { case file, words }

        public init(file: String?, words: Int) {
            self.file = file
            self.words = words
        }

        /// `file` is written as null when there is none.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(words, forKey: .words)
        }
    }

    /// `POST /store/snapshot`'s data.
    public struct Snapshot: Codable, Sendable, Equatable {
        /// The snapshot's size.
        public var bytes: Int
        /// How long writing it took, to the microsecond.
        public var milliseconds: Double
        /// Every entry up to this id is in it.
        public var lastID: UInt64
        public var queues: Int
        public var messages: UInt64

        enum CodingKeys: String, CodingKey {
            case bytes, milliseconds, queues, messages
            case lastID = "last_id"
        }

        public init(bytes: Int, milliseconds: Double, lastID: UInt64, queues: Int, messages: UInt64) {
            self.bytes = bytes
            self.milliseconds = milliseconds
            self.lastID = lastID
            self.queues = queues
            self.messages = messages
        }
    }

    /// `POST /store/compact`'s data: what went, and what the store holds after.
    public struct Compaction: Codable, Sendable, Equatable {
        /// Whole segments deleted, their bytes, and the message bodies and queue entries they held.
        public var segmentsDeleted: Int
        public var bytesFreed: UInt64
        public var messagesRemoved: UInt64
        public var entriesRemoved: UInt64
        /// The oldest key kept (0 for an empty store): a sync from an older key starts there.
        public var oldestKey: UInt64
        /// Bytes in the store's files after it.
        public var bytes: UInt64

        enum CodingKeys: String, CodingKey {
            case bytes
            case segmentsDeleted = "segments_deleted"
            case bytesFreed = "bytes_freed"
            case messagesRemoved = "messages_removed"
            case entriesRemoved = "entries_removed"
            case oldestKey = "oldest_key"
        }

        public init(
            segmentsDeleted: Int,
            bytesFreed: UInt64,
            messagesRemoved: UInt64,
            entriesRemoved: UInt64,
            oldestKey: UInt64,
            bytes: UInt64
        ) {
            self.segmentsDeleted = segmentsDeleted
            self.bytesFreed = bytesFreed
            self.messagesRemoved = messagesRemoved
            self.entriesRemoved = entriesRemoved
            self.oldestKey = oldestKey
            self.bytes = bytes
        }
    }

    /// `POST /store/promote`'s data.
    public struct Promotion: Codable, Sendable, Equatable {
        /// The first id the new primary hands out, and the newest it had from its old primary.
        public var firstID: UInt64
        public var lastID: UInt64
        /// Where its log ends (segment and offset).
        public var position: String

        enum CodingKeys: String, CodingKey {
            case position
            case firstID = "first_id"
            case lastID = "last_id"
        }

        public init(firstID: UInt64, lastID: UInt64, position: String) {
            self.firstID = firstID
            self.lastID = lastID
            self.position = position
        }
    }

    /// `PUT /log-level`'s body.
    public struct LogLevelChange: IMAdminJSONParameters, Equatable {
        public var level: String

        public init(level: String) {
            self.level = level
        }
    }

    /// The log level, and the one before a change.
    public struct LogLevel: Codable, Sendable, Equatable {
        public var level: String
        public var previous: String?

        public init(level: String, previous: String? = nil) {
            self.level = level
            self.previous = previous
        }
    }
}
