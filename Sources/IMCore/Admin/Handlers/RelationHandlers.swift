import IMAdminAPI

/// Friends and blacklists (PROTOCOL.md §5.6), which `enable_friendship` / `enable_blacklist` check peer
/// messages against (ACK status 1, 2, 3).
enum RelationHandlers {
    /// `POST /friends`: `friend_uid` in `uid`'s list, and with `mutual` (the default) the reverse too.
    static func addFriend(_ admin: AdminContext, _ request: IMAdmin.RelationChange) async throws -> IMAdmin.RelationChanged {
        try await set(.friends, present: true, admin, request)
    }

    /// `DELETE /friends`.
    static func removeFriend(
        _ admin: AdminContext,
        _ request: IMAdmin.RelationChange
    ) async throws -> IMAdmin.RelationChanged {
        try await set(.friends, present: false, admin, request)
    }

    /// `POST /blacklist`: `uid` blocks `other`.
    static func block(_ admin: AdminContext, _ request: IMAdmin.RelationChange) async throws -> IMAdmin.RelationChanged {
        try await set(.blacklist, present: true, admin, request)
    }

    /// `DELETE /blacklist`.
    static func unblock(_ admin: AdminContext, _ request: IMAdmin.RelationChange) async throws -> IMAdmin.RelationChanged {
        try await set(.blacklist, present: false, admin, request)
    }

    /// `GET /friends`.
    static func friends(_ admin: AdminContext, _ request: IMAdmin.UserQuery) async throws -> IMAdmin.Friends {
        IMAdmin.Friends(appid: request.appid, uid: request.uid, friends: try await list(.friends, admin, request))
    }

    /// `GET /blacklist`.
    static func blacklist(_ admin: AdminContext, _ request: IMAdmin.UserQuery) async throws -> IMAdmin.Blacklist {
        IMAdmin.Blacklist(appid: request.appid, uid: request.uid, blacklist: try await list(.blacklist, admin, request))
    }

    private static func set(
        _ list: RelationList,
        present: Bool,
        _ admin: AdminContext,
        _ request: IMAdmin.RelationChange
    ) async throws -> IMAdmin.RelationChanged {
        // Either name of the other user is taken; the error names the list's own.
        let otherField = list == .friends ? "friend_uid" : "other"
        guard
            let other = list == .friends ? request.friendUID ?? request.other : request.other ?? request.friendUID
        else { throw AdminError.badField(otherField, "missing") }
        guard other != request.uid else { throw AdminError.badField(otherField, "must differ from uid") }
        var pairs = [(request.uid, other)]
        if list == .friends && request.mutual ?? true { pairs.append((other, request.uid)) }
        var changed = false
        for (uid, other) in pairs {
            let didChange = try await directoryCall {
                try await admin.core.directory.setRelation(
                    list,
                    appID: request.appid,
                    uid: uid,
                    other: other,
                    present: present
                )
            }
            changed = changed || didChange
        }
        return IMAdmin.RelationChanged(changed: changed)
    }

    private static func list(_ list: RelationList, _ admin: AdminContext, _ request: IMAdmin.UserQuery) async throws -> [Int64] {
        try await directoryCall { try await admin.core.directory.relations(list, appID: request.appid, uid: request.uid) }
    }
}
