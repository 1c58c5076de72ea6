import IMAdminAPI

/// Groups (PROTOCOL.md §10.3, ARCHITECTURE.md §6): created, changed and disbanded here, visible to the server at once.
/// With `"notify": true` a change is also posted to the members in GoBelieve's JSON (`GroupNotifier`).
enum GroupHandlers {
    /// `POST /groups`: the first member owns the group unless `master` is given.
    static func create(_ admin: AdminContext, _ request: IMAdmin.NewGroup) async throws -> IMAdmin.CreatedGroup {
        let members = request.members ?? []
        guard let master = request.master ?? members.first else {
            throw AdminError.badField("members", "must not be empty unless master is given")
        }
        if let id = request.groupID, id <= 0 { throw AdminError.badField("group_id", "must be positive") }
        let now = admin.core.now()
        var seen = Set<Int64>()
        let group = GroupInfo(
            id: request.groupID ?? 0,
            appID: request.appid,
            name: request.name ?? "",
            notice: request.notice ?? "",
            master: master,
            isSuper: request.isSuper ?? false,
            members: Dictionary(
                uniqueKeysWithValues: members.filter { seen.insert($0).inserted }.map {
                    ($0, GroupMember(uid: $0, joinedAt: now))
                }
            )
        )
        let id = try await directoryCall { try await admin.core.directory.createGroup(group) }
        if request.notify == true, let created = try await find(admin, id) {
            try await GroupNotifier.created(admin, created, master: master, at: now)
        }
        return IMAdmin.CreatedGroup(groupID: id)
    }

    /// `GET /groups[?appid=]`.
    static func list(_ admin: AdminContext, _ request: IMAdmin.GroupListQuery) async throws -> [IMGroupListing] {
        try await directoryCall { try await admin.core.directory.groups(appID: request.appid) }.map { group in
            IMGroupListing(
                groupID: group.id,
                appid: group.appID,
                name: group.name,
                master: group.master,
                isSuper: group.isSuper,
                memberCount: group.members.count
            )
        }
    }

    /// `GET /groups/G`.
    static func info(_ admin: AdminContext, _ request: IMAdmin.GroupRef) async throws -> IMGroup {
        reply(try await require(admin, request.gid))
    }

    /// `PATCH /groups/G`: name, notice, owner.
    static func update(_ admin: AdminContext, _ request: IMAdmin.GroupChange) async throws -> IMGroup {
        let group = try await require(admin, request.gid)
        guard request.name != nil || request.notice != nil || request.master != nil else {
            throw AdminError.badField("body", "give at least one of name, notice, master")
        }
        try await directoryCall {
            try await admin.core.directory.updateGroup(
                group.id,
                GroupChange(name: request.name, notice: request.notice, master: request.master)
            )
        }
        if request.notify == true {
            try await GroupNotifier.updated(admin, group, name: request.name, notice: request.notice)
        }
        return reply(try await find(admin, group.id) ?? group)
    }

    /// `DELETE /groups/G`: the members are told first, while they still are members.
    static func disband(_ admin: AdminContext, _ request: IMAdmin.GroupAction) async throws -> IMAdmin.DisbandedGroup {
        let group = try await require(admin, request.gid)
        if request.notify == true { try await GroupNotifier.disbanded(admin, group) }
        let disbanded = try await directoryCall { try await admin.core.directory.disbandGroup(group.id) }
        return IMAdmin.DisbandedGroup(disbanded: disbanded)
    }

    /// `POST /groups/G/upgrade`: to a super group, never back.
    static func upgrade(_ admin: AdminContext, _ request: IMAdmin.GroupAction) async throws -> IMAdmin.UpgradedGroup {
        let group = try await require(admin, request.gid)
        let upgraded = try await directoryCall { try await admin.core.directory.upgradeGroup(group.id) }
        if upgraded, request.notify == true, let group = try await find(admin, group.id) {
            try await GroupNotifier.upgraded(admin, group)
        }
        return IMAdmin.UpgradedGroup(upgraded: upgraded, isSuper: true)
    }

    // MARK: Shared with the member handlers

    /// The group with this id, or a 404.
    static func require(_ admin: AdminContext, _ id: Int64) async throws -> GroupInfo {
        guard let group = try await find(admin, id) else { throw AdminError(.notFound, "group_id: no group \(id)") }
        return group
    }

    /// The group with this id, or nil.
    static func find(_ admin: AdminContext, _ id: Int64) async throws -> GroupInfo? {
        try await directoryCall { try await admin.core.directory.group(id) }
    }

    /// A group as the admin API shows it: members by uid.
    static func reply(_ group: GroupInfo) -> IMGroup {
        IMGroup(
            groupID: group.id,
            appid: group.appID,
            name: group.name,
            notice: group.notice,
            master: group.master,
            isSuper: group.isSuper,
            members: group.memberIDs.compactMap { group.members[$0].map(member) }
        )
    }

    static func member(_ member: GroupMember) -> IMGroup.Member {
        IMGroup.Member(uid: member.uid, joinedAt: member.joinedAt, nickname: member.nickname, mute: member.muted)
    }
}
