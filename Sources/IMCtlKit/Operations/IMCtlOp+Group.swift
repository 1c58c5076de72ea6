import IMAdminClient

extension IMCtlOp {
    /// `group create`: a normal or super group (`POST /groups`); the first member owns it unless
    /// `master` is given.
    package struct GroupCreate: IMCtlOperation {
        package static let command = "group create"
        package static let fields = ["appid", "members", "super", "name", "notice", "group_id", "master", "notify"]
        package var appid: Int64
        package var members: [Int64]
        package var isSuper: Bool
        package var name: String?
        package var notice: String?
        package var groupID: Int64?
        package var master: Int64?
        /// Also post GoBelieve's `{"create":{...}}` group notification to the members.
        package var notify: Bool

        enum CodingKeys: String, CodingKey {
            case appid, members, name, notice, master, notify
            case isSuper = "super"
            case groupID = "group_id"
        }

        package init(
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

        package init(from decoder: any Decoder) throws {
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

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
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

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            let id = data["group_id"].map(IMCtlRenderer.scalar) ?? "?"
            let kind = isSuper ? "super group" : "group"
            return .message(
                "created \(kind) \(id) in app \(appid) with \(members.count) member\(members.count == 1 ? "" : "s")"
            )
        }
    }

    /// `group disband`: deletes a group and its members (`DELETE /groups/{gid}`).
    package struct GroupDisband: IMCtlOperation {
        package static let command = "group disband"
        package static let fields = ["group", "notify"]
        package var group: Int64
        /// Also post GoBelieve's `{"disband":{...}}` notification to the members first.
        package var notify: Bool?

        package init(group: Int64, notify: Bool = false) {
            self.group = group
            self.notify = notify ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupDisband.self, .init(gid: group, notify: notify))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("disbanded group \(group)")
        }
    }

    /// `group info`: a group and its members (`GET /groups/{gid}`).
    package struct GroupInfo: IMCtlOperation {
        package static let command = "group info"
        package static let fields = ["group"]
        package var group: Int64

        package init(group: Int64) {
            self.group = group
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupInfo.self, .init(gid: group))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
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
    package struct GroupList: IMCtlOperation {
        package static let command = "group list"
        package static let fields = ["appid"]
        package var appid: Int64?

        package init(appid: Int64? = nil) {
            self.appid = appid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupList.self, .init(appid: appid))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
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

    /// `group upgrade`: turns a normal group into a super group, for good (`POST /groups/{gid}/upgrade`).
    package struct GroupUpgrade: IMCtlOperation {
        package static let command = "group upgrade"
        package static let fields = ["group", "notify"]
        package var group: Int64
        /// Also post an `{"upgrade":{...}}` notification to the members.
        package var notify: Bool?

        package init(group: Int64, notify: Bool = false) {
            self.group = group
            self.notify = notify ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpgrade.self, .init(gid: group, notify: notify))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            data["upgraded"]?.boolValue == false
                ? .message("group \(group) is already a super group")
                : .message("upgraded group \(group) to a super group")
        }
    }

    /// `group rename`: sets a group's name (`PATCH /groups/{gid} {"name"}`).
    package struct GroupRename: IMCtlOperation {
        package static let command = "group rename"
        package static let fields = ["group", "name", "notify"]
        package var group: Int64
        package var name: String
        /// Also post an `{"update_name":{...}}` notification to the members.
        package var notify: Bool?

        package init(group: Int64, name: String, notify: Bool = false) {
            self.group = group
            self.name = name
            self.notify = notify ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdate.self, .init(gid: group, name: name, notify: notify))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("renamed group \(group) to \"\(name)\"")
        }
    }

    /// `group notice`: sets a group's notice (`PATCH /groups/{gid} {"notice"}`).
    package struct GroupNotice: IMCtlOperation {
        package static let command = "group notice"
        package static let fields = ["group", "notice", "notify"]
        package var group: Int64
        package var notice: String
        /// Also post an `{"update_notice":{...}}` notification to the members.
        package var notify: Bool?

        package init(group: Int64, notice: String, notify: Bool = false) {
            self.group = group
            self.notice = notice
            self.notify = notify ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdate.self, .init(gid: group, notice: notice, notify: notify))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("set the notice of group \(group)")
        }
    }
}
