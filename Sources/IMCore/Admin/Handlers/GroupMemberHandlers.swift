import IMAdminAPI

/// A group's members: added, removed, muted, renamed.
enum GroupMemberHandlers {
    /// `POST /groups/G/members`: members already in keep their join time.
    static func add(_ admin: AdminContext, _ request: IMAdmin.MembersChange) async throws -> IMAdmin.AddedMembers {
        let group = try await GroupHandlers.require(admin, request.gid)
        guard !request.members.isEmpty else { throw AdminError.badField("members", "must not be empty") }
        let now = admin.core.now()
        let joinedAt = request.joinedAt ?? now
        let added = try await directoryCall {
            try await admin.core.directory.addMembers(
                group.id,
                request.members.map { GroupMember(uid: $0, joinedAt: joinedAt) }
            )
        }
        if request.notify == true, let updated = try await GroupHandlers.find(admin, group.id) {
            for uid in added { try await GroupNotifier.memberAdded(admin, updated, uid: uid, at: now) }
        }
        return IMAdmin.AddedMembers(added: added)
    }

    /// `DELETE /groups/G/members`.
    static func remove(_ admin: AdminContext, _ request: IMAdmin.MembersChange) async throws -> IMAdmin.RemovedMembers {
        let group = try await GroupHandlers.require(admin, request.gid)
        let removed = try await removeMembers(admin, group, request.members, notify: request.notify == true)
        return IMAdmin.RemovedMembers(removed: removed)
    }

    /// `DELETE /groups/G/members/U`: a 404 when U is not a member.
    static func removeOne(
        _ admin: AdminContext,
        _ request: IMAdmin.MemberAction
    ) async throws -> IMAdmin.RemovedMembers {
        let group = try await GroupHandlers.require(admin, request.gid)
        let removed = try await removeMembers(admin, group, [request.uid], notify: request.notify == true)
        guard !removed.isEmpty else {
            throw AdminError(.notFound, "uid: \(request.uid) is not a member of group \(group.id)")
        }
        return IMAdmin.RemovedMembers(removed: removed)
    }

    /// `PATCH /groups/G/members/U`: mute, nickname.
    static func update(_ admin: AdminContext, _ request: IMAdmin.MemberChange) async throws -> IMAdmin.UpdatedMember {
        let group = try await GroupHandlers.require(admin, request.gid)
        guard request.mute != nil || request.nickname != nil else {
            throw AdminError.badField("body", "give at least one of mute, nickname")
        }
        try await directoryCall {
            try await admin.core.directory.updateMember(
                group.id,
                uid: request.uid,
                MemberChange(nickname: request.nickname, muted: request.mute)
            )
        }
        let member = try await GroupHandlers.find(admin, group.id)?.members[request.uid]
        return IMAdmin.UpdatedMember(member: member.map(GroupHandlers.member))
    }

    private static func removeMembers(
        _ admin: AdminContext,
        _ group: GroupInfo,
        _ uids: [Int64],
        notify: Bool
    ) async throws -> [Int64] {
        guard !uids.isEmpty else { throw AdminError.badField("members", "must not be empty") }
        let removed = try await directoryCall { try await admin.core.directory.removeMembers(group.id, uids) }
        if notify, let updated = try await GroupHandlers.find(admin, group.id) {
            let now = admin.core.now()
            for uid in removed { try await GroupNotifier.memberLeft(admin, updated, uid: uid, at: now) }
        }
        return removed
    }
}
