import GRDB

extension SQLiteDirectory {
    // MARK: Reads (from memory)

    /// The group with this id, or nil; from memory, at once.
    package func group(_ id: Int64, completion: @escaping @Sendable (Result<GroupInfo?, DirectoryError>) -> Void) {
        completion(.success(state.withLock { $0.groups[id] }))
    }

    /// How many groups exist; from memory.
    package func groupCount() -> Int {
        state.withLock { $0.groups.count }
    }

    /// Every group, or those of one app, in ascending id order; from memory.
    package func groups(appID: Int64?) -> [GroupInfo] {
        let all = state.withLock { state in
            appID == nil ? Array(state.groups.values) : state.groups.values.filter { $0.appID == appID }
        }
        return all.sorted { $0.id < $1.id }
    }

    // MARK: Writes (durable before they return)

    /// Creates `group` (id 0: the next unused id), committed before this returns; returns its id.
    package func createGroup(_ group: GroupInfo) async throws -> Int64 {
        guard group.id >= 0 else { throw DirectoryError(.invalidArgument, "group_id: must not be negative") }
        guard group.master != 0 else { throw DirectoryError(.invalidArgument, "master: missing") }
        return try await writeDurably("create group \(group.id)") { db in
            let lastID = try Int64.fetchOne(db, sql: "SELECT last_id FROM group_ids") ?? 0
            let id = group.id == 0 ? lastID + 1 : group.id
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?)", arguments: [id]) ?? false
            {
                throw DirectoryError(.conflict, "group_id: group \(id) exists")
            }
            try db.execute(
                sql: "INSERT INTO groups (id, appid, name, notice, master, super) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, group.appID, group.name, group.notice, group.master, group.isSuper]
            )
            try Self.insertMembers(db, gid: id, Array(group.members.values))
            try db.execute(sql: "UPDATE group_ids SET last_id = ?", arguments: [max(lastID, id)])
            return id
        } then: { state, id in
            var created = group
            created.id = id
            state.groups[id] = created
            state.lastGroupID = max(state.lastGroupID, id)
        }
    }

    /// Disbands the group (its members go with it); returns whether it existed.
    package func disbandGroup(_ id: Int64) async throws -> Bool {
        try await writeDurably("disband group \(id)") { db in
            try db.execute(sql: "DELETE FROM group_members WHERE gid = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM groups WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        } then: { state, _ in
            state.groups[id] = nil
        }
    }

    /// Changes the group's name, notice or master.
    package func updateGroup(_ id: Int64, _ change: GroupChange) async throws {
        try await writeDurably("update group \(id)") { db in
            try Self.requireGroup(db, id)
            if let name = change.name {
                try db.execute(sql: "UPDATE groups SET name = ? WHERE id = ?", arguments: [name, id])
            }
            if let notice = change.notice {
                try db.execute(sql: "UPDATE groups SET notice = ? WHERE id = ?", arguments: [notice, id])
            }
            if let master = change.master {
                try db.execute(sql: "UPDATE groups SET master = ? WHERE id = ?", arguments: [master, id])
            }
        } then: { state, _ in
            if let name = change.name { state.groups[id]?.name = name }
            if let notice = change.notice { state.groups[id]?.notice = notice }
            if let master = change.master { state.groups[id]?.master = master }
        }
    }

    /// Makes the group a super group; returns whether it was a normal group before.
    package func upgradeGroup(_ id: Int64) async throws -> Bool {
        try await writeDurably("upgrade group \(id)") { db in
            try Self.requireGroup(db, id)
            try db.execute(sql: "UPDATE groups SET super = 1 WHERE id = ? AND super = 0", arguments: [id])
            return db.changesCount > 0
        } then: { state, _ in
            state.groups[id]?.isSuper = true
        }
    }

    /// Adds the members that are not in the group yet; returns their uids.
    package func addMembers(_ id: Int64, _ members: [GroupMember]) async throws -> [Int64] {
        try await writeDurably("add members to group \(id)") { db in
            try Self.requireGroup(db, id)
            let existing = Set(
                try Int64.fetchAll(db, sql: "SELECT uid FROM group_members WHERE gid = ?", arguments: [id])
            )
            var seen = existing
            let added = members.filter { seen.insert($0.uid).inserted }
            try Self.insertMembers(db, gid: id, added)
            return added
        } then: { state, added in
            for member in added { state.groups[id]?.members[member.uid] = member }
        }.map(\.uid)
    }

    /// Removes `uids` from the group; returns those that were members.
    package func removeMembers(_ id: Int64, _ uids: [Int64]) async throws -> [Int64] {
        try await writeDurably("remove members from group \(id)") { db in
            try Self.requireGroup(db, id)
            let statement = try db.cachedStatement(sql: "DELETE FROM group_members WHERE gid = ? AND uid = ?")
            var removed: [Int64] = []
            for uid in Set(uids).sorted() {
                try statement.execute(arguments: [id, uid])
                if db.changesCount > 0 { removed.append(uid) }
            }
            return removed
        } then: { state, removed in
            for uid in removed { state.groups[id]?.members[uid] = nil }
        }
    }

    /// Changes one member's nickname or mute.
    package func updateMember(_ id: Int64, uid: Int64, _ change: MemberChange) async throws {
        try await writeDurably("update member \(uid) of group \(id)") { db in
            try Self.requireGroup(db, id)
            let isMember =
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM group_members WHERE gid = ? AND uid = ?)",
                    arguments: [id, uid]
                ) ?? false
            guard isMember else { throw DirectoryError(.notFound, "uid: \(uid) is not a member of group \(id)") }
            if let nickname = change.nickname {
                try db.execute(
                    sql: "UPDATE group_members SET nickname = ? WHERE gid = ? AND uid = ?",
                    arguments: [nickname, id, uid]
                )
            }
            if let muted = change.muted {
                try db.execute(
                    sql: "UPDATE group_members SET muted = ? WHERE gid = ? AND uid = ?",
                    arguments: [muted, id, uid]
                )
            }
        } then: { state, _ in
            if let nickname = change.nickname { state.groups[id]?.members[uid]?.nickname = nickname }
            if let muted = change.muted { state.groups[id]?.members[uid]?.muted = muted }
        }
    }

    // MARK: Helpers

    private static func requireGroup(_ db: Database, _ id: Int64) throws {
        let exists =
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?)", arguments: [id]) ?? false
        guard exists else { throw DirectoryError(.notFound, "group_id: no group \(id)") }
    }

    private static func insertMembers(_ db: Database, gid: Int64, _ members: [GroupMember]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO group_members (gid, uid, joined_at, nickname, muted) VALUES (?, ?, ?, ?, ?)"
        )
        for member in members {
            try statement.execute(arguments: [gid, member.uid, member.joinedAt, member.nickname, member.muted])
        }
    }
}
