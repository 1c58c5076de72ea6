extension IMAdmin {
    /// `/get_offline_count?appid&uid[&sync_key]`: messages after the key (0 or missing: the server's
    /// stored sync key) → `{"data":{"count":N}}`.
    public enum GetOfflineCount: IMAdminEndpoint {
        public typealias Request = OfflineCountQuery
        public typealias Reply = IMDataReply<OfflineCount>
        public static let methods = readMethods
        public static let path = "/get_offline_count"
    }

    /// `/load_latest_message?appid&uid&limit`: the user's newest messages, oldest first.
    public enum LoadLatestMessage: IMAdminEndpoint {
        public typealias Request = LatestQuery
        public typealias Reply = IMDataReply<[IMHistoryMessage]>
        public static let methods = readMethods
        public static let path = "/load_latest_message"
    }

    /// `/load_history_message?appid&uid&last_id`: one sync page of the user's messages after `last_id`.
    public enum LoadHistoryMessage: IMAdminEndpoint {
        public typealias Request = HistoryQuery
        public typealias Reply = IMDataReply<[IMHistoryMessage]>
        public static let methods = readMethods
        public static let path = "/load_history_message"
    }

    /// `/get_offline_count`'s query.
    public struct OfflineCountQuery: IMAdminParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        /// Count after this key; nil or 0: after the user's stored sync key.
        public var syncKey: Int64?

        public init(appid: Int64, uid: Int64, syncKey: Int64? = nil) {
            self.appid = appid
            self.uid = uid
            self.syncKey = syncKey
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("uid", uid)
            parts.add("sync_key", syncKey)
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            uid = try parts.int("uid")
            syncKey = try parts.optionalInt("sync_key")
        }
    }

    /// `/get_offline_count`'s data.
    public struct OfflineCount: Codable, Sendable, Equatable {
        public var count: Int

        public init(count: Int) {
            self.count = count
        }
    }

    /// `/load_latest_message`'s query.
    public struct LatestQuery: IMAdminParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        /// 1...10000.
        public var limit: Int64

        public init(appid: Int64, uid: Int64, limit: Int64) {
            self.appid = appid
            self.uid = uid
            self.limit = limit
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("uid", uid)
            parts.add("limit", limit)
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            uid = try parts.int("uid")
            limit = try parts.int("limit")
        }
    }

    /// `/load_history_message`'s query.
    public struct HistoryQuery: IMAdminParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        /// The page starts after this key; nil: from the start.
        public var lastID: Int64?

        public init(appid: Int64, uid: Int64, lastID: Int64? = nil) {
            self.appid = appid
            self.uid = uid
            self.lastID = lastID
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("uid", uid)
            parts.add("last_id", lastID)
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            uid = try parts.int("uid")
            lastID = try parts.optionalInt("last_id")
        }
    }
}
