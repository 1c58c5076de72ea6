import Foundation
import Hummingbird
import NIOCore

extension AdminAPI {
    private struct CreateGroupRequest: Decodable {
        var appid: Int64
        var members: [Int64]?
        var `super`: Bool?
        var name: String?
        var notice: String?
        var group_id: Int64?
        var master: Int64?
        var notify: Bool?
    }

    private struct UpdateGroupRequest: Decodable {
        var name: String?
        var notice: String?
        var master: Int64?
        var notify: Bool?
    }

    private struct MembersRequest: Decodable {
        var members: [Int64]
        /// Unix seconds; default now. For importing members whose join time the app server knows.
        var joined_at: Int64?
        var notify: Bool?
    }

    private struct UpdateMemberRequest: Decodable {
        var mute: Bool?
        var nickname: String?
    }

    private struct NotifyRequest: Decodable {
        var notify: Bool?
    }

    /// Groups and members (PROTOCOL §6, DESIGN §6): created, changed and disbanded here, visible to the
    /// server at once. With `"notify": true` a change is also posted to the members as a group
    /// notification in GoBelieve's JSON (reference §5.4: `create`, `disband`, `update_name`,
    /// `update_notice`, `add_member`, `quit_group`, `upgrade`).
    static func addGroupRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        router.post("/groups") { request, _ in
            let body = try await AdminJSON.decode(CreateGroupRequest.self, from: request)
            let members = body.members ?? []
            guard let master = body.master ?? members.first else {
                throw AdminError.badField("members", "must not be empty unless master is given")
            }
            if let id = body.group_id, id <= 0 { throw AdminError.badField("group_id", "must be positive") }
            let now = core.now()
            var seen = Set<Int64>()
            let group = GroupInfo(
                id: body.group_id ?? 0,
                appID: body.appid,
                name: body.name ?? "",
                notice: body.notice ?? "",
                master: master,
                isSuper: body.super ?? false,
                members: Dictionary(
                    uniqueKeysWithValues: members.filter { seen.insert($0).inserted }.map {
                        ($0, GroupMember(uid: $0, joinedAt: now))
                    }
                )
            )
            let id = try await directoryCall { try await core.directory.createGroup(group) }
            if body.notify == true, let created = try await findGroup(core, id) {
                try await notify(
                    core,
                    created,
                    [
                        "create": [
                            "group_id": id, "master": master, "name": created.name, "members": created.memberIDs,
                            "super": created.isSuper ? 1 : 0, "timestamp": now,
                        ] as [String: Any]
                    ]
                )
            }
            return AdminJSON.data(["group_id": id])
        }

        router.get("/groups") { request, _ in
            let appID = try request.optionalInt("appid")
            return AdminJSON.data(
                try await directoryCall { try await core.directory.groups(appID: appID) }.map { group in
                    [
                        "group_id": group.id, "appid": group.appID, "name": group.name, "master": group.master,
                        "super": group.isSuper, "member_count": group.members.count,
                    ] as [String: Any]
                }
            )
        }

        router.get("/groups/:gid") { _, context in
            let group = try await requireGroup(core, context)
            return AdminJSON.data(groupObject(group))
        }

        router.delete("/groups/:gid") { request, context in
            let group = try await requireGroup(core, context)
            let body = try await optionalBody(NotifyRequest.self, request)
            if body?.notify == true {
                try await notify(core, group, ["disband": ["group_id": group.id, "timestamp": core.now()]])
            }
            let disbanded = try await directoryCall { try await core.directory.disbandGroup(group.id) }
            return AdminJSON.data(["disbanded": disbanded])
        }

        router.patch("/groups/:gid") { request, context in
            let group = try await requireGroup(core, context)
            let body = try await AdminJSON.decode(UpdateGroupRequest.self, from: request)
            guard body.name != nil || body.notice != nil || body.master != nil else {
                throw AdminError.badField("body", "give at least one of name, notice, master")
            }
            try await directoryCall {
                try await core.directory.updateGroup(
                    group.id,
                    GroupChange(name: body.name, notice: body.notice, master: body.master)
                )
            }
            if body.notify == true {
                let now = core.now()
                if let name = body.name {
                    try await notify(
                        core,
                        group,
                        ["update_name": ["group_id": group.id, "timestamp": now, "name": name] as [String: Any]]
                    )
                }
                if let notice = body.notice {
                    try await notify(
                        core,
                        group,
                        ["update_notice": ["group_id": group.id, "timestamp": now, "notice": notice] as [String: Any]]
                    )
                }
            }
            return AdminJSON.data(groupObject(try await findGroup(core, group.id) ?? group))
        }

        router.post("/groups/:gid/upgrade") { request, context in
            let group = try await requireGroup(core, context)
            let body = try await optionalBody(NotifyRequest.self, request)
            let upgraded = try await directoryCall { try await core.directory.upgradeGroup(group.id) }
            if upgraded, body?.notify == true, let group = try await findGroup(core, group.id) {
                try await notify(
                    core,
                    group,
                    ["upgrade": ["group_id": group.id, "timestamp": core.now(), "super": 1] as [String: Any]]
                )
            }
            return AdminJSON.data(["upgraded": upgraded, "super": true])
        }

        router.post("/groups/:gid/members") { request, context in
            let group = try await requireGroup(core, context)
            let body = try await AdminJSON.decode(MembersRequest.self, from: request)
            guard !body.members.isEmpty else { throw AdminError.badField("members", "must not be empty") }
            let now = core.now()
            let joinedAt = body.joined_at ?? now
            let added = try await directoryCall {
                try await core.directory.addMembers(
                    group.id,
                    body.members.map { GroupMember(uid: $0, joinedAt: joinedAt) }
                )
            }
            if body.notify == true, let updated = try await findGroup(core, group.id) {
                for uid in added {
                    try await notify(
                        core,
                        updated,
                        ["add_member": ["group_id": group.id, "member_id": uid, "timestamp": now]]
                    )
                }
            }
            return AdminJSON.data(["added": added])
        }

        router.delete("/groups/:gid/members") { request, context in
            let group = try await requireGroup(core, context)
            let body = try await AdminJSON.decode(MembersRequest.self, from: request)
            let removed = try await removeMembers(core, group, body.members, notify: body.notify == true)
            return AdminJSON.data(["removed": removed])
        }

        router.delete("/groups/:gid/members/:uid") { request, context in
            let group = try await requireGroup(core, context)
            let uid = try pathInt(context, "uid")
            let body = try await optionalBody(NotifyRequest.self, request)
            let removed = try await removeMembers(core, group, [uid], notify: body?.notify == true)
            guard !removed.isEmpty else {
                throw AdminError(.notFound, "uid: \(uid) is not a member of group \(group.id)")
            }
            return AdminJSON.data(["removed": removed])
        }

        router.patch("/groups/:gid/members/:uid") { request, context in
            let group = try await requireGroup(core, context)
            let uid = try pathInt(context, "uid")
            let body = try await AdminJSON.decode(UpdateMemberRequest.self, from: request)
            guard body.mute != nil || body.nickname != nil else {
                throw AdminError.badField("body", "give at least one of mute, nickname")
            }
            try await directoryCall {
                try await core.directory.updateMember(
                    group.id,
                    uid: uid,
                    MemberChange(nickname: body.nickname, muted: body.mute)
                )
            }
            let member = try await findGroup(core, group.id)?.members[uid]
            return AdminJSON.data(member.map(memberObject) ?? [:])
        }
    }

    // MARK: Helpers

    private static func removeMembers(
        _ core: ServerContext,
        _ group: GroupInfo,
        _ uids: [Int64],
        notify shouldNotify: Bool
    ) async throws -> [Int64] {
        guard !uids.isEmpty else { throw AdminError.badField("members", "must not be empty") }
        let removed = try await directoryCall { try await core.directory.removeMembers(group.id, uids) }
        if shouldNotify, let updated = try await findGroup(core, group.id) {
            let now = core.now()
            for uid in removed {
                // The member who left gets it too, so their client can drop the group.
                try await notify(
                    core,
                    updated,
                    ["quit_group": ["group_id": group.id, "member_id": uid, "timestamp": now]],
                    extraMembers: [uid]
                )
            }
        }
        return removed
    }

    /// Posts a group notification with `content` as JSON to the group's members.
    private static func notify(
        _ core: ServerContext,
        _ group: GroupInfo,
        _ content: [String: Any],
        extraMembers: [Int64] = []
    ) async throws {
        let data = try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys])
        var seen = Set<Int64>()
        let members = (group.memberIDs + extraMembers).filter { seen.insert($0).inserted }
        do {
            _ = try await core.messages.send(
                .groupNotification(ByteBuffer(bytes: data), group: group, members: members),
                from: .admin(UserKey(appID: group.appID, uid: 0))
            )
        } catch {
            throw AdminError(.internalServerError, "the change was made, but storing its notification failed: \(error)")
        }
    }

    static func groupObject(_ group: GroupInfo) -> [String: Any] {
        [
            "group_id": group.id, "appid": group.appID, "name": group.name, "notice": group.notice,
            "master": group.master, "super": group.isSuper,
            "members": group.memberIDs.compactMap { group.members[$0].map(memberObject) },
        ]
    }

    static func memberObject(_ member: GroupMember) -> [String: Any] {
        ["uid": member.uid, "joined_at": member.joinedAt, "nickname": member.nickname, "mute": member.muted]
    }

    /// The group named by the `:gid` path parameter, or a 404.
    static func requireGroup(_ core: ServerContext, _ context: BasicRequestContext) async throws -> GroupInfo {
        let id = try pathInt(context, "gid", field: "group_id")
        guard let group = try await findGroup(core, id) else { throw AdminError(.notFound, "group_id: no group \(id)") }
        return group
    }

    /// The group with this id, or nil.
    static func findGroup(_ core: ServerContext, _ id: Int64) async throws -> GroupInfo? {
        try await directoryCall { try await core.directory.group(id) }
    }

    /// An integer path parameter; a 400 naming `field` if it is not one.
    static func pathInt(_ context: BasicRequestContext, _ name: String, field: String? = nil) throws -> Int64 {
        let text = context.parameters.get(name) ?? ""
        guard let value = Int64(text) else {
            throw AdminError.badField(field ?? name, "must be an integer, got \"\(text)\"")
        }
        return value
    }

    /// The body decoded as `type`, or nil when the request has no body.
    static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T? {
        var request = request
        let bytes = try await AdminJSON.body(request)
        guard bytes.readableBytes > 0 else { return nil }
        request.body = .init(buffer: bytes)
        return try await AdminJSON.decode(type, from: request)
    }

    /// Runs a directory write, turning its errors into HTTP replies (404, 409, 400, 500).
    static func directoryCall<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as DirectoryError {
            switch error.code {
            case .notFound: throw AdminError(.notFound, error.message)
            case .conflict: throw AdminError(.conflict, error.message)
            case .invalidArgument: throw AdminError(.badRequest, error.message)
            case .closed: throw AdminError(.serviceUnavailable, "the directory is closed: \(error.message)")
            default: throw AdminError(.internalServerError, "the directory failed: \(error)")
            }
        }
    }
}
