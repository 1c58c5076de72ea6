import Foundation
import NIOCore

/// Group changes posted to the members as group notifications in GoBelieve's JSON (PROTOCOL.md §5.4:
/// `create`, `disband`, `update_name`, `update_notice`, `add_member`, `quit_group`, `upgrade`), so an app
/// server moving from GoBelieve has one call to make.
enum GroupNotifier {
    static func created(_ admin: AdminContext, _ group: GroupInfo, master: Int64, at now: Int64) async throws {
        try await post(
            admin,
            group,
            [
                "create": [
                    "group_id": group.id, "master": master, "name": group.name, "members": group.memberIDs,
                    "super": group.isSuper ? 1 : 0, "timestamp": now,
                ] as [String: Any]
            ]
        )
    }

    static func disbanded(_ admin: AdminContext, _ group: GroupInfo) async throws {
        try await post(admin, group, ["disband": ["group_id": group.id, "timestamp": admin.core.now()]])
    }

    /// One notification per field changed.
    static func updated(_ admin: AdminContext, _ group: GroupInfo, name: String?, notice: String?) async throws {
        let now = admin.core.now()
        if let name {
            try await post(
                admin,
                group,
                ["update_name": ["group_id": group.id, "timestamp": now, "name": name] as [String: Any]]
            )
        }
        if let notice {
            try await post(
                admin,
                group,
                ["update_notice": ["group_id": group.id, "timestamp": now, "notice": notice] as [String: Any]]
            )
        }
    }

    static func upgraded(_ admin: AdminContext, _ group: GroupInfo) async throws {
        try await post(
            admin,
            group,
            ["upgrade": ["group_id": group.id, "timestamp": admin.core.now(), "super": 1] as [String: Any]]
        )
    }

    static func memberAdded(_ admin: AdminContext, _ group: GroupInfo, uid: Int64, at now: Int64) async throws {
        try await post(admin, group, ["add_member": ["group_id": group.id, "member_id": uid, "timestamp": now]])
    }

    /// The member who left gets it too, so their client can drop the group.
    static func memberLeft(_ admin: AdminContext, _ group: GroupInfo, uid: Int64, at now: Int64) async throws {
        try await post(
            admin,
            group,
            ["quit_group": ["group_id": group.id, "member_id": uid, "timestamp": now]],
            extraMembers: [uid]
        )
    }

    /// Posts `content` as JSON to the group's members and `extraMembers`.
    private static func post(
        _ admin: AdminContext,
        _ group: GroupInfo,
        _ content: [String: Any],
        extraMembers: [Int64] = []
    ) async throws {
        let data = try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys])
        var seen = Set<Int64>()
        let members = (group.memberIDs + extraMembers).filter { seen.insert($0).inserted }
        do {
            _ = try await admin.core.messages.send(
                .groupNotification(ByteBuffer(bytes: data), group: group, members: members),
                from: .admin(UserKey(appID: group.appID, uid: 0))
            )
        } catch {
            throw AdminError(.internalServerError, "the change was made, but storing its notification failed: \(error)")
        }
    }
}
