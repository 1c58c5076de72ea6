import PostgresNIO

extension PostgresDirectory {
    // MARK: Reads

    func group(_ id: Int64, completion: @escaping @Sendable (Result<GroupInfo?, DirectoryError>) -> Void) {
        let (cached, _) = groups.lookup(id)
        if let cached { return completion(.success(cached)) }
        answer(completion) {
            try await self.groups.value(id) { try await self.loadGroups("WHERE g.id = \(id)").first }
        }
    }

    /// A figure for `/summary`: answered within 2 s (or `postgres_timeout` if shorter) or not at all.
    func groupCount() async throws -> Int {
        try await write("count groups", timeout: min(database.timeout, .seconds(2))) {
            var count = 0
            for try await value in try await self.database.client.query(
                "SELECT count(*) FROM groups",
                logger: self.logger
            )
            .decode(Int.self) {
                count = value
            }
            return count
        }
    }

    func groups(appID: Int64?) async throws -> [GroupInfo] {
        try await write("list groups") {
            try await self.loadGroups(appID.map { "WHERE g.appid = \($0)" } ?? "")
        }
    }

    /// Groups with their members, by id; `filter` is SQL built from integers only.
    private func loadGroups(_ filter: String) async throws -> [GroupInfo] {
        let rows = try await database.client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT g.id, g.appid, g.name, g.notice, g.master, g.is_super, m.uid, m.joined_at, m.nickname, m.muted
                    FROM groups g LEFT JOIN group_members m ON m.gid = g.id \(filter)
                    ORDER BY g.id
                    """
            ),
            logger: logger
        )
        var found: [GroupInfo] = []
        for try await (id, appID, name, notice, master, isSuper, uid, joinedAt, nickname, muted) in rows.decode(
            (Int64, Int64, String, String, Int64, Bool, Int64?, Int64?, String?, Bool?).self
        ) {
            if found.last?.id != id {
                found.append(
                    GroupInfo(
                        id: id,
                        appID: appID,
                        name: name,
                        notice: notice,
                        master: master,
                        isSuper: isSuper,
                        members: [:]
                    )
                )
            }
            if let uid, let joinedAt {
                found[found.count - 1].members[uid] = GroupMember(
                    uid: uid,
                    joinedAt: joinedAt,
                    nickname: nickname ?? "",
                    muted: muted ?? false
                )
            }
        }
        return found
    }

    // MARK: Writes (durable before they return)

    func createGroup(_ group: GroupInfo) async throws -> Int64 {
        guard group.id >= 0 else { throw DirectoryError(.invalidArgument, "group_id: must not be negative") }
        guard group.master != 0 else { throw DirectoryError(.invalidArgument, "master: missing") }
        let id = try await write("create group \(group.id)") {
            try await self.database.client.withTransaction(logger: self.logger) { connection in
                var id = group.id
                if id == 0 {
                    for try await next in try await connection.query("SELECT nextval('group_ids')", logger: self.logger)
                        .decode(Int64.self)
                    {
                        id = next
                    }
                } else {
                    // An explicit id pushes the sequence past it, so a picked id never collides with it.
                    try await connection.query(
                        "SELECT setval('group_ids', greatest(\(id), (SELECT last_value FROM group_ids)))",
                        logger: self.logger
                    )
                }
                let inserted = try await self.exists(
                    connection.query(
                        """
                        INSERT INTO groups (id, appid, name, notice, master, is_super)
                        VALUES (\(id), \(group.appID), \(group.name), \(group.notice), \(group.master), \(group.isSuper))
                        ON CONFLICT (id) DO NOTHING RETURNING 1
                        """,
                        logger: self.logger
                    )
                )
                guard inserted else { throw DirectoryError(.conflict, "group_id: group \(id) exists") }
                try await self.insertMembers(connection, gid: id, Array(group.members.values))
                return id
            }
        }
        changed(.group(id))
        return id
    }

    func disbandGroup(_ id: Int64) async throws -> Bool {
        defer { changed(.group(id)) }
        return try await write("disband group \(id)") {
            try await self.exists(
                self.database.client.query("DELETE FROM groups WHERE id = \(id) RETURNING 1", logger: self.logger)
            )
        }
    }

    func updateGroup(_ id: Int64, _ change: GroupChange) async throws {
        defer { changed(.group(id)) }
        let found = try await write("update group \(id)") {
            try await self.exists(
                self.database.client.query(
                    """
                    UPDATE groups SET name = coalesce(\(change.name), name), notice = coalesce(\(change.notice), notice),
                        master = coalesce(\(change.master), master)
                    WHERE id = \(id) RETURNING 1
                    """,
                    logger: self.logger
                )
            )
        }
        guard found else { throw DirectoryError(.notFound, "group_id: no group \(id)") }
    }

    func upgradeGroup(_ id: Int64) async throws -> Bool {
        defer { changed(.group(id)) }
        let superBefore: Bool? = try await write("upgrade group \(id)") {
            let rows = try await self.database.client.query(
                """
                UPDATE groups g SET is_super = true FROM groups old
                WHERE g.id = \(id) AND old.id = g.id RETURNING old.is_super
                """,
                logger: self.logger
            )
            var before: Bool?
            for try await value in rows.decode(Bool.self) { before = value }
            return before
        }
        guard let superBefore else { throw DirectoryError(.notFound, "group_id: no group \(id)") }
        return !superBefore
    }

    func addMembers(_ id: Int64, _ members: [GroupMember]) async throws -> [Int64] {
        defer { changed(.group(id)) }
        var seen = Set<Int64>()
        let unique = members.filter { seen.insert($0.uid).inserted }
        let added = try await write("add members to group \(id)") {
            try await self.database.client.withTransaction(logger: self.logger) { connection in
                try await self.requireGroup(connection, id)
                return try await self.insertMembers(connection, gid: id, unique)
            }
        }
        return unique.map(\.uid).filter(added.contains)
    }

    func removeMembers(_ id: Int64, _ uids: [Int64]) async throws -> [Int64] {
        defer { changed(.group(id)) }
        return try await write("remove members from group \(id)") {
            try await self.database.client.withTransaction(logger: self.logger) { connection in
                try await self.requireGroup(connection, id)
                let rows = try await connection.query(
                    "DELETE FROM group_members WHERE gid = \(id) AND uid = ANY(\(uids)::bigint[]) RETURNING uid",
                    logger: self.logger
                )
                var removed: [Int64] = []
                for try await uid in rows.decode(Int64.self) { removed.append(uid) }
                return removed.sorted()
            }
        }
    }

    func updateMember(_ id: Int64, uid: Int64, _ change: MemberChange) async throws {
        defer { changed(.group(id)) }
        try await write("update member \(uid) of group \(id)") {
            try await self.database.client.withTransaction(logger: self.logger) { connection in
                try await self.requireGroup(connection, id)
                let updated = try await self.exists(
                    connection.query(
                        """
                        UPDATE group_members SET nickname = coalesce(\(change.nickname), nickname),
                            muted = coalesce(\(change.muted), muted)
                        WHERE gid = \(id) AND uid = \(uid) RETURNING 1
                        """,
                        logger: self.logger
                    )
                )
                guard updated else { throw DirectoryError(.notFound, "uid: \(uid) is not a member of group \(id)") }
            }
        }
    }

    // MARK: Helpers

    private func requireGroup(_ connection: PostgresConnection, _ id: Int64) async throws {
        let rows = try await connection.query("SELECT 1 FROM groups WHERE id = \(id) FOR UPDATE", logger: logger)
        guard try await exists(rows) else { throw DirectoryError(.notFound, "group_id: no group \(id)") }
    }

    /// Inserts the members that are not in the group yet; returns their uids.
    @discardableResult
    private func insertMembers(
        _ connection: PostgresConnection,
        gid: Int64,
        _ members: [GroupMember]
    ) async throws -> Set<Int64> {
        guard !members.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            INSERT INTO group_members (gid, uid, joined_at, nickname, muted)
            SELECT \(gid), * FROM unnest(\(members.map(\.uid))::bigint[], \(members.map(\.joinedAt))::bigint[],
                \(members.map(\.nickname))::text[], \(members.map(\.muted))::boolean[])
            ON CONFLICT (gid, uid) DO NOTHING RETURNING uid
            """,
            logger: logger
        )
        var added = Set<Int64>()
        for try await uid in rows.decode(Int64.self) { added.insert(uid) }
        return added
    }
}
