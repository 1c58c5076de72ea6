extension IMAdmin {
    /// `POST /friends {"appid","uid","friend_uid"[,"mutual":true]}` → `{"data":{"changed":bool}}`:
    /// `friend_uid` in `uid`'s friend list, and with `mutual` (the default) the reverse too.
    public enum FriendAdd: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = RelationChange
        public typealias Reply = IMDataReply<RelationChanged>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/friends"
    }

    /// `DELETE /friends {"appid","uid","friend_uid"[,"mutual":true]}` → `{"data":{"changed":bool}}`.
    public enum FriendRemove: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = RelationChange
        public typealias Reply = IMDataReply<RelationChanged>
        public static let methods: [IMAdminMethod] = [.delete]
        public static let path = "/friends"
    }

    /// `GET /friends?appid&uid` → `{"data":{"appid","uid","friends":[uid...]}}`.
    public enum FriendList: IMAdminEndpoint {
        public typealias Request = UserQuery
        public typealias Reply = IMDataReply<Friends>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/friends"
    }

    /// `POST /blacklist {"appid","uid","other"}` → `{"data":{"changed":bool}}`: `uid` blocks `other`.
    public enum BlacklistAdd: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = RelationChange
        public typealias Reply = IMDataReply<RelationChanged>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/blacklist"
    }

    /// `DELETE /blacklist {"appid","uid","other"}` → `{"data":{"changed":bool}}`: `uid` unblocks `other`.
    public enum BlacklistRemove: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = RelationChange
        public typealias Reply = IMDataReply<RelationChanged>
        public static let methods: [IMAdminMethod] = [.delete]
        public static let path = "/blacklist"
    }

    /// `GET /blacklist?appid&uid` → `{"data":{"appid","uid","blacklist":[uid...]}}`.
    public enum BlacklistList: IMAdminEndpoint {
        public typealias Request = UserQuery
        public typealias Reply = IMDataReply<Blacklist>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/blacklist"
    }

    /// A change to `uid`'s friend list or blacklist. The other user is `friend_uid` (friends) or `other`
    /// (blacklist); either name is taken for either list.
    public struct RelationChange: IMAdminJSONParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        /// The blocked user (`/blacklist`).
        public var other: Int64?
        /// The friend (`/friends`).
        public var friendUID: Int64?
        /// Friends only: both directions (the default) or `uid`'s list only.
        public var mutual: Bool?

        enum CodingKeys: String, CodingKey {
            case appid, uid, other, mutual
            case friendUID = "friend_uid"
        }

        public init(appid: Int64, uid: Int64, other: Int64? = nil, friendUID: Int64? = nil, mutual: Bool? = nil) {
            self.appid = appid
            self.uid = uid
            self.other = other
            self.friendUID = friendUID
            self.mutual = mutual
        }
    }

    /// A user in the query: `appid`, `uid`.
    public struct UserQuery: IMAdminParameters, Equatable {
        public var appid: Int64
        public var uid: Int64

        public init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("uid", uid)
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            uid = try parts.int("uid")
        }
    }

    /// The data of a relation change: false when the list already was that way.
    public struct RelationChanged: Codable, Sendable, Equatable {
        public var changed: Bool

        public init(changed: Bool) {
            self.changed = changed
        }
    }

    /// A user's friends.
    public struct Friends: Codable, Sendable, Equatable {
        public var appid: Int64
        public var uid: Int64
        public var friends: [Int64]

        public init(appid: Int64, uid: Int64, friends: [Int64]) {
            self.appid = appid
            self.uid = uid
            self.friends = friends
        }
    }

    /// The users a user blocks.
    public struct Blacklist: Codable, Sendable, Equatable {
        public var appid: Int64
        public var uid: Int64
        public var blacklist: [Int64]

        public init(appid: Int64, uid: Int64, blacklist: [Int64]) {
            self.appid = appid
            self.uid = uid
            self.blacklist = blacklist
        }
    }
}
