/// A group and its members (`GET /groups/G`, `PATCH /groups/G`).
public struct IMGroup: Codable, Sendable, Equatable {
    /// One member.
    public struct Member: Codable, Sendable, Equatable {
        public var uid: Int64
        /// Unix seconds: `joined_at`.
        public var joinedAt: Int64
        public var nickname: String
        /// Whether the member may not speak in the group (their group messages get ACK 66).
        public var mute: Bool

        enum CodingKeys: String, CodingKey {
            case uid, nickname, mute
            case joinedAt = "joined_at"
        }

        public init(uid: Int64, joinedAt: Int64, nickname: String, mute: Bool) {
            self.uid = uid
            self.joinedAt = joinedAt
            self.nickname = nickname
            self.mute = mute
        }
    }

    public var groupID: Int64
    public var appid: Int64
    public var name: String
    public var notice: String
    /// The owner.
    public var master: Int64
    /// A super group (read diffusion), on the wire `super`.
    public var isSuper: Bool
    /// By uid, ascending.
    public var members: [Member]

    enum CodingKeys: String, CodingKey {
        case appid, name, notice, master, members
        case groupID = "group_id"
        case isSuper = "super"
    }

    public init(
        groupID: Int64,
        appid: Int64,
        name: String,
        notice: String,
        master: Int64,
        isSuper: Bool,
        members: [Member]
    ) {
        self.groupID = groupID
        self.appid = appid
        self.name = name
        self.notice = notice
        self.master = master
        self.isSuper = isSuper
        self.members = members
    }
}

/// A group in a list (`GET /groups`): its figures without the members.
public struct IMGroupListing: Codable, Sendable, Equatable {
    public var groupID: Int64
    public var appid: Int64
    public var name: String
    public var master: Int64
    public var isSuper: Bool
    public var memberCount: Int

    enum CodingKeys: String, CodingKey {
        case appid, name, master
        case groupID = "group_id"
        case isSuper = "super"
        case memberCount = "member_count"
    }

    public init(groupID: Int64, appid: Int64, name: String, master: Int64, isSuper: Bool, memberCount: Int) {
        self.groupID = groupID
        self.appid = appid
        self.name = name
        self.master = master
        self.isSuper = isSuper
        self.memberCount = memberCount
    }
}
