import IMAdminClient

extension IMCtlOp {
    /// `group add`: adds members (`POST /groups/{gid}/members`); members already in keep their join time.
    package struct GroupAdd: IMCtlOperation {
        package static let command = "group add"
        package static let fields = ["group", "members", "notify"]
        package var group: Int64
        package var members: [Int64]
        /// Also post an `{"add_member":{...}}` notification per new member.
        package var notify: Bool?

        package init(group: Int64, members: [Int64], notify: Bool = false) {
            self.group = group
            self.members = members
            self.notify = notify ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            guard !members.isEmpty else { throw .usage("members: give at least one uid") }
            return try IMCtlOp.request(IMAdmin.GroupAddMembers.self, .init(gid: group, members: members, notify: notify))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
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
    package struct GroupRemove: IMCtlOperation {
        package static let command = "group remove"
        package static let fields = ["group", "members", "notify"]
        package var group: Int64
        package var members: [Int64]
        /// Also post a `{"quit_group":{...}}` notification per removed member (who gets it too).
        package var notify: Bool?

        package init(group: Int64, members: [Int64], notify: Bool = false) {
            self.group = group
            self.members = members
            self.notify = notify ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            guard !members.isEmpty else { throw .usage("members: give at least one uid") }
            if members.count == 1 {
                return try IMCtlOp.request(
                    IMAdmin.GroupRemoveMember.self,
                    .init(gid: group, uid: members[0], notify: notify)
                )
            }
            return try IMCtlOp.request(IMAdmin.GroupRemoveMembers.self, .init(gid: group, members: members, notify: notify))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            let removed = data["removed"]?.arrayValue?.compactMap(\.intValue) ?? []
            let absent = Set(members).count - removed.count
            var line = "removed \(removed.count) member\(removed.count == 1 ? "" : "s") from group \(group)"
            if !removed.isEmpty { line += ": " + removed.map(String.init).joined(separator: ", ") }
            if absent > 0 { line += " (\(absent) not in it)" }
            return .message(line)
        }
    }

    /// `group mute`: mutes a member in the group (`PATCH /groups/{gid}/members/{uid} {"mute":true}`).
    package struct GroupMute: IMCtlOperation {
        package static let command = "group mute"
        package static let fields = ["group", "uid"]
        package var group: Int64
        package var uid: Int64

        package init(group: Int64, uid: Int64) {
            self.group = group
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdateMember.self, .init(gid: group, uid: uid, mute: true))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("muted \(uid) in group \(group)")
        }
    }

    /// `group unmute`: lets a muted member speak again (`PATCH ... {"mute":false}`).
    package struct GroupUnmute: IMCtlOperation {
        package static let command = "group unmute"
        package static let fields = ["group", "uid"]
        package var group: Int64
        package var uid: Int64

        package init(group: Int64, uid: Int64) {
            self.group = group
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdateMember.self, .init(gid: group, uid: uid, mute: false))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("unmuted \(uid) in group \(group)")
        }
    }

    /// `group transfer`: makes a member the group's owner (`PATCH /groups/{gid} {"master"}`).
    package struct GroupTransfer: IMCtlOperation {
        package static let command = "group transfer"
        package static let fields = ["group", "uid"]
        package var group: Int64
        /// The new owner.
        package var uid: Int64

        package init(group: Int64, uid: Int64) {
            self.group = group
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdate.self, .init(gid: group, master: uid))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("\(uid) owns group \(group) now")
        }
    }

    /// `group nickname`: sets a member's nickname in the group (`PATCH /groups/{gid}/members/{uid}`).
    package struct GroupNickname: IMCtlOperation {
        package static let command = "group nickname"
        package static let fields = ["group", "uid", "nickname"]
        package var group: Int64
        package var uid: Int64
        package var nickname: String

        package init(group: Int64, uid: Int64, nickname: String) {
            self.group = group
            self.uid = uid
            self.nickname = nickname
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GroupUpdateMember.self, .init(gid: group, uid: uid, nickname: nickname))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("\(uid) is \"\(nickname)\" in group \(group)")
        }
    }
}
