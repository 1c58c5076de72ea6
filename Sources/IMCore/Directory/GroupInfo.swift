/// A group as the server sees it (PROTOCOL.md §5.1): who owns it, whether it is a super group, and its
/// members with their join times, nicknames and mutes.
///
/// A value: the directory hands out copies, and a member list is shared copy-on-write, so reading a
/// 2000-member group on every message costs a retain, not a copy.
package struct GroupInfo: Sendable, Equatable {
    /// Unique across apps (GoBelieve's `group.id` is one auto-increment column).
    package var id: Int64
    package var appID: Int64
    package var name: String
    package var notice: String
    /// The owner; by default the first member given at creation.
    package var master: Int64
    /// Read diffusion: one group queue and `MSG_SYNC_GROUP` (PROTOCOL.md §4.4). Never goes back to false.
    package var isSuper: Bool
    package var members: [Int64: GroupMember]

    package init(
        id: Int64,
        appID: Int64,
        name: String = "",
        notice: String = "",
        master: Int64,
        isSuper: Bool,
        members: [Int64: GroupMember]
    ) {
        self.id = id
        self.appID = appID
        self.name = name
        self.notice = notice
        self.master = master
        self.isSuper = isSuper
        self.members = members
    }

    /// Members' uids in ascending order (stable for replies and fan-out order).
    package var memberIDs: [Int64] { members.keys.sorted() }
}

/// One member of a group.
package struct GroupMember: Sendable, Equatable {
    package var uid: Int64
    /// Unix seconds when the member joined: super-group sync from key 0 starts here (PROTOCOL.md §4.4).
    package var joinedAt: Int64
    package var nickname: String
    /// A muted member's group messages are refused with ACK status 66.
    package var muted: Bool

    package init(uid: Int64, joinedAt: Int64, nickname: String = "", muted: Bool = false) {
        self.uid = uid
        self.joinedAt = joinedAt
        self.nickname = nickname
        self.muted = muted
    }
}

/// What a group change touches, for `Directory.updateGroup`: nil leaves a field as it is.
package struct GroupChange: Sendable, Equatable {
    package var name: String?
    package var notice: String?
    package var master: Int64?

    package init(name: String? = nil, notice: String? = nil, master: Int64? = nil) {
        self.name = name
        self.notice = notice
        self.master = master
    }
}

/// What a member change touches, for `Directory.updateMember`: nil leaves a field as it is.
package struct MemberChange: Sendable, Equatable {
    package var nickname: String?
    package var muted: Bool?

    package init(nickname: String? = nil, muted: Bool? = nil) {
        self.nickname = nickname
        self.muted = muted
    }
}

/// How two users stand (PROTOCOL.md §5.6), seen from `uid` towards `other`.
package struct Relationship: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `other` is in `uid`'s friend list.
    package static let isMyFriend = Relationship(rawValue: 0x01)
    /// `uid` is in `other`'s friend list.
    package static let isYourFriend = Relationship(rawValue: 0x02)
    /// `uid` blacklisted `other`.
    package static let inMyBlacklist = Relationship(rawValue: 0x04)
    /// `other` blacklisted `uid`.
    package static let inYourBlacklist = Relationship(rawValue: 0x08)
}

/// Which list a relation row belongs to.
package enum RelationList: String, Sendable, CaseIterable {
    case friends
    case blacklist
}
