extension IMAdmin {
    /// `GET /users/online?appid=A[&uid=U,U...][&limit=N]` → `{"data":[IMOnlineUser...]}`: the users named,
    /// in that order (offline ones too), or without `uid` the app's online users by uid, at most `limit`
    /// (default 1000). In a cluster `online` counts every node's sessions and `sessions` lists them all,
    /// each with its `node` (another node's are asked of it, through its admin API with this node's token;
    /// `local=true` lists this node's only).
    public enum UsersOnline: IMAdminEndpoint {
        public typealias Request = OnlineQuery
        public typealias Reply = IMDataReply<[IMOnlineUser]>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/users/online"
    }

    /// `POST /users/kick {"appid","uid"[,"device_id"]}` → `{"data":{"kicked":N}}`: closes the user's
    /// sessions (or one device's); the client may log in again.
    public enum UserKick: IMAdminEndpoint {
        public typealias Request = Kick
        public typealias Reply = IMDataReply<Kicked>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/users/kick"
    }

    /// `POST /users/mute {"appid","uid"}` → `{"data":{"forbidden":true,"changed":bool}}`: sets the user's
    /// speak-forbidden flag (durable).
    public enum UserMute: IMAdminEndpoint {
        public typealias Request = User
        public typealias Reply = IMDataReply<Forbidden>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/users/mute"
    }

    /// `POST /users/unmute {"appid","uid"}` → `{"data":{"forbidden":false,"changed":bool}}`.
    public enum UserUnmute: IMAdminEndpoint {
        public typealias Request = User
        public typealias Reply = IMDataReply<Forbidden>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/users/unmute"
    }

    /// `/users/online`'s query.
    public struct OnlineQuery: IMAdminParameters, Equatable {
        public var appid: Int64
        /// The users to report; empty: the app's online users.
        public var uids: [Int64]
        public var limit: Int64?
        /// Only this node's sessions (what one node asks another).
        public var local: Bool

        public init(appid: Int64, uids: [Int64] = [], limit: Int64? = nil, local: Bool = false) {
            self.appid = appid
            self.uids = uids
            self.limit = limit
            self.local = local
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            if !uids.isEmpty { parts.query.append((name: "uid", value: uids.map(String.init).joined(separator: ","))) }
            parts.add("limit", limit)
            if local { parts.query.append((name: "local", value: "true")) }
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            limit = try parts.optionalInt("limit")
            uids = try parts.intList("uid")
            local = try parts.flag("local")
        }
    }

    /// A user: `{"appid","uid"}`.
    public struct User: IMAdminJSONParameters, Equatable {
        public var appid: Int64
        public var uid: Int64

        public init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }
    }

    /// `POST /users/kick`'s body.
    public struct Kick: IMAdminJSONParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        /// Only this device's sessions; nil: all of them.
        public var deviceID: Int64?

        enum CodingKeys: String, CodingKey {
            case appid, uid
            case deviceID = "device_id"
        }

        public init(appid: Int64, uid: Int64, deviceID: Int64? = nil) {
            self.appid = appid
            self.uid = uid
            self.deviceID = deviceID
        }
    }

    /// `POST /users/kick`'s data: sessions closed.
    public struct Kicked: Codable, Sendable, Equatable {
        public var kicked: Int

        public init(kicked: Int) {
            self.kicked = kicked
        }
    }

    /// `POST /users/mute|unmute`'s data: the flag now, and whether it changed.
    public struct Forbidden: Codable, Sendable, Equatable {
        public var forbidden: Bool
        public var changed: Bool

        public init(forbidden: Bool, changed: Bool) {
            self.forbidden = forbidden
            self.changed = changed
        }
    }
}
