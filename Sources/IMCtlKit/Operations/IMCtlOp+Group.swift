import IMAdminClient

extension IMCtlOp {
    /// `group create`: a normal or super group (`POST /groups`); the first member owns it unless
    /// `master` is given.
    public struct GroupCreate: IMCtlOperation {
        public static let command = "group create"
        public static let fields = ["appid", "members", "super", "name", "notice", "group_id", "master", "notify"]
        public var appid: Int64
        public var members: [Int64]
        public var isSuper: Bool
        public var name: String?
        public var notice: String?
        public var groupID: Int64?
        public var master: Int64?
        /// Also post GoBelieve's `{"create":{...}}` group notification to the members.
        public var notify: Bool

        enum CodingKeys: String, CodingKey {
            case appid, members, name, notice, master, notify
            case isSuper = "super"
            case groupID = "group_id"
        }

        public init(
            appid: Int64,
            members: [Int64],
            isSuper: Bool = false,
            name: String? = nil,
            notice: String? = nil,
            groupID: Int64? = nil,
            master: Int64? = nil,
            notify: Bool = false
        ) {
            self.appid = appid
            self.members = members
            self.isSuper = isSuper
            self.name = name
            self.notice = notice
            self.groupID = groupID
            self.master = master
            self.notify = notify
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            appid = try container.decode(Int64.self, forKey: .appid)
            members = try container.decode([Int64].self, forKey: .members)
            isSuper = try container.decodeIfPresent(Bool.self, forKey: .isSuper) ?? false
            name = try container.decodeIfPresent(String.self, forKey: .name)
            notice = try container.decodeIfPresent(String.self, forKey: .notice)
            groupID = try container.decodeIfPresent(Int64.self, forKey: .groupID)
            master = try container.decodeIfPresent(Int64.self, forKey: .master)
            notify = try container.decodeIfPresent(Bool.self, forKey: .notify) ?? false
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(
                IMAdmin.GroupCreate.self,
                .init(
                    appid: appid,
                    members: members,
                    isSuper: isSuper,
                    name: name,
                    notice: notice,
                    groupID: groupID,
                    master: master,
                    notify: notify ? true : nil
                )
            )
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            let id = data["group_id"].map(IMCtlRenderer.scalar) ?? "?"
            let kind = isSuper ? "super group" : "group"
            return .message(
                "created \(kind) \(id) in app \(appid) with \(members.count) member\(members.count == 1 ? "" : "s")"
            )
        }
    }

    /// `group disband`: deletes a group and its members (`DELETE /groups/{gid}`).
    public struct GroupDisband: IMCtlOperation {
        public static let command = "group disband"
        public static let fields = ["group", "notify"]
        public var group: Int64
        /// Also post GoBelieve's `{"disband":{...}}` notification to the members first.
        public var notify: Bool?

        public init(group: Int64, notify: Bool = false) {
            self.group = group
            self.notify = notify ? true : nil
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupDisband.self, .init(gid: group, notify: notify))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("disbanded group \(group)")
        }
    }

    /// `group info`: a group and its members (`GET /groups/{gid}`).
    public struct GroupInfo: IMCtlOperation {
        public static let command = "group info"
        public static let fields = ["group"]
        public var group: Int64

        public init(group: Int64) {
            self.group = group
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupInfo.self, .init(gid: group))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            var fields = data.objectValue ?? [:]
            let members = fields.removeValue(forKey: "members")?.arrayValue ?? []
            fields["member_count"] = .int(Int64(members.count))
            return .sections([
                .record(.object(fields)),
                .table(
                    [
                        IMCtlColumn("UID", "uid"), IMCtlColumn("JOINED", "joined_at", .time),
                        IMCtlColumn("NICKNAME", "nickname"), IMCtlColumn("MUTED", "mute", .yesNo),
                    ],
                    members
                ),
            ])
        }
    }

    /// `group list`: an app's groups, or every app's (`GET /groups[?appid=]`).
    public struct GroupList: IMCtlOperation {
        public static let command = "group list"
        public static let fields = ["appid"]
        public var appid: Int64?

        public init(appid: Int64? = nil) {
            self.appid = appid
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupList.self, .init(appid: appid))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .table(
                [
                    IMCtlColumn("GROUP", "group_id"), IMCtlColumn("NAME", "name", .truncated(40)),
                    IMCtlColumn("MASTER", "master"), IMCtlColumn("SUPER", "super", .yesNo),
                    IMCtlColumn("MEMBERS", "member_count"),
                ],
                data.arrayValue ?? []
            )
        }
    }

    /// `group add`: adds members (`POST /groups/{gid}/members`); members already in keep their join time.
    public struct GroupAdd: IMCtlOperation {
        public static let command = "group add"
        public static let fields = ["group", "members", "notify"]
        public var group: Int64
        public var members: [Int64]
        /// Also post an `{"add_member":{...}}` notification per new member.
        public var notify: Bool?

        public init(group: Int64, members: [Int64], notify: Bool = false) {
            self.group = group
            self.members = members
            self.notify = notify ? true : nil
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            guard !members.isEmpty else { throw .usage("members: give at least one uid") }
            return try IMCtlOp.request(IMAdmin.GroupAddMembers.self, .init(gid: group, members: members, notify: notify))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            let added = data["added"]?.arrayValue?.compactMap(\.intValue) ?? []
            let already = Set(members).count - added.count
            var line = "added \(added.count) member\(added.count == 1 ? "" : "s") to group \(group)"
            if !added.isEmpty { line += ": " + added.map(String.init).joined(separator: ", ") }
            if already > 0 { line += " (\(already) already in it)" }
            return .message(line)
        }
    }

    /// `group remove`: removes members (`DELETE /groups/{gid}/members/{uid}` for one, which is a 404 when
    /// the user is not a member; `DELETE /groups/{gid}/members` for several).
    public struct GroupRemove: IMCtlOperation {
        public static let command = "group remove"
        public static let fields = ["group", "members", "notify"]
        public var group: Int64
        public var members: [Int64]
        /// Also post a `{"quit_group":{...}}` notification per removed member (who gets it too).
        public var notify: Bool?

        public init(group: Int64, members: [Int64], notify: Bool = false) {
            self.group = group
            self.members = members
            self.notify = notify ? true : nil
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            guard !members.isEmpty else { throw .usage("members: give at least one uid") }
            if members.count == 1 {
                return try IMCtlOp.request(
                    IMAdmin.GroupRemoveMember.self,
                    .init(gid: group, uid: members[0], notify: notify)
                )
            }
            return try IMCtlOp.request(IMAdmin.GroupRemoveMembers.self, .init(gid: group, members: members, notify: notify))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            let removed = data["removed"]?.arrayValue?.compactMap(\.intValue) ?? []
            let absent = Set(members).count - removed.count
            var line = "removed \(removed.count) member\(removed.count == 1 ? "" : "s") from group \(group)"
            if !removed.isEmpty { line += ": " + removed.map(String.init).joined(separator: ", ") }
            if absent > 0 { line += " (\(absent) not in it)" }
            return .message(line)
        }
    }

    /// `group mute`: mutes a member in the group (`PATCH /groups/{gid}/members/{uid} {"mute":true}`).
    public struct GroupMute: IMCtlOperation {
        public static let command = "group mute"
        public static let fields = ["group", "uid"]
        public var group: Int64
        public var uid: Int64

        public init(group: Int64, uid: Int64) {
            self.group = group
            self.uid = uid
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdateMember.self, .init(gid: group, uid: uid, mute: true))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("muted \(uid) in group \(group)")
        }
    }

    /// `group unmute`: lets a muted member speak again (`PATCH ... {"mute":false}`).
    public struct GroupUnmute: IMCtlOperation {
        public static let command = "group unmute"
        public static let fields = ["group", "uid"]
        public var group: Int64
        public var uid: Int64

        public init(group: Int64, uid: Int64) {
            self.group = group
            self.uid = uid
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdateMember.self, .init(gid: group, uid: uid, mute: false))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("unmuted \(uid) in group \(group)")
        }
    }

    /// `group upgrade`: turns a normal group into a super group, for good (`POST /groups/{gid}/upgrade`).
    public struct GroupUpgrade: IMCtlOperation {
        public static let command = "group upgrade"
        public static let fields = ["group", "notify"]
        public var group: Int64
        /// Also post an `{"upgrade":{...}}` notification to the members.
        public var notify: Bool?

        public init(group: Int64, notify: Bool = false) {
            self.group = group
            self.notify = notify ? true : nil
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpgrade.self, .init(gid: group, notify: notify))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            data["upgraded"]?.boolValue == false
                ? .message("group \(group) is already a super group")
                : .message("upgraded group \(group) to a super group")
        }
    }

    /// `group rename`: sets a group's name (`PATCH /groups/{gid} {"name"}`).
    public struct GroupRename: IMCtlOperation {
        public static let command = "group rename"
        public static let fields = ["group", "name", "notify"]
        public var group: Int64
        public var name: String
        /// Also post an `{"update_name":{...}}` notification to the members.
        public var notify: Bool?

        public init(group: Int64, name: String, notify: Bool = false) {
            self.group = group
            self.name = name
            self.notify = notify ? true : nil
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdate.self, .init(gid: group, name: name, notify: notify))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("renamed group \(group) to \"\(name)\"")
        }
    }

    /// `group notice`: sets a group's notice (`PATCH /groups/{gid} {"notice"}`).
    public struct GroupNotice: IMCtlOperation {
        public static let command = "group notice"
        public static let fields = ["group", "notice", "notify"]
        public var group: Int64
        public var notice: String
        /// Also post an `{"update_notice":{...}}` notification to the members.
        public var notify: Bool?

        public init(group: Int64, notice: String, notify: Bool = false) {
            self.group = group
            self.notice = notice
            self.notify = notify ? true : nil
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdate.self, .init(gid: group, notice: notice, notify: notify))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("set the notice of group \(group)")
        }
    }

    /// `group transfer`: makes a member the group's owner (`PATCH /groups/{gid} {"master"}`).
    public struct GroupTransfer: IMCtlOperation {
        public static let command = "group transfer"
        public static let fields = ["group", "uid"]
        public var group: Int64
        /// The new owner.
        public var uid: Int64

        public init(group: Int64, uid: Int64) {
            self.group = group
            self.uid = uid
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdate.self, .init(gid: group, master: uid))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("\(uid) owns group \(group) now")
        }
    }

    /// `group nickname`: sets a member's nickname in the group (`PATCH /groups/{gid}/members/{uid}`).
    public struct GroupNickname: IMCtlOperation {
        public static let command = "group nickname"
        public static let fields = ["group", "uid", "nickname"]
        public var group: Int64
        public var uid: Int64
        public var nickname: String

        public init(group: Int64, uid: Int64, nickname: String) {
            self.group = group
            self.uid = uid
            self.nickname = nickname
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdateMember.self, .init(gid: group, uid: uid, nickname: nickname))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("\(uid) is \"\(nickname)\" in group \(group)")
        }
    }
}
