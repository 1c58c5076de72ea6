import Foundation
import PostgresNIO

extension PostgresDirectory {
    func relationship(
        appID: Int64,
        uid: Int64,
        other: Int64,
        completion: @escaping @Sendable (Result<Relationship, DirectoryError>) -> Void
    ) {
        let pair = RelationPair(appID: appID, uid: uid, other: other)
        if let cached = relationships.lookup(pair).value { return completion(.success(cached)) }
        answer(completion) {
            try await self.relationships.value(pair) {
                let rows = try await self.database.client.query(
                    """
                    SELECT list, uid FROM relations
                    WHERE appid = \(appID) AND ((uid = \(uid) AND other = \(other)) OR (uid = \(other) AND other = \(uid)))
                    """,
                    logger: self.logger
                )
                var relationship: Relationship = []
                for try await (list, owner) in rows.decode((Int16, Int64).self) {
                    let mine = owner == uid
                    switch Self.list(list) {
                    case .friends: relationship.insert(mine ? .isMyFriend : .isYourFriend)
                    case .blacklist: relationship.insert(mine ? .inMyBlacklist : .inYourBlacklist)
                    case nil: break
                    }
                }
                return relationship
            }
        }
    }

    func setRelation(_ list: RelationList, appID: Int64, uid: Int64, other: Int64, present: Bool) async throws -> Bool {
        defer { changed(.relation(appID: appID, uid: uid, other: other)) }
        let code = Self.code(list)
        let now = Int64(Date.now.timeIntervalSince1970)
        return try await write("\(present ? "add" : "remove") \(other) in \(list.rawValue) of \(appID)/\(uid)") {
            let rows =
                present
                ? try await self.database.client.query(
                    """
                    INSERT INTO relations (list, appid, uid, other, created_at) VALUES (\(code), \(appID), \(uid), \(other), \(now))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """,
                    logger: self.logger
                )
                : try await self.database.client.query(
                    """
                    DELETE FROM relations WHERE list = \(code) AND appid = \(appID) AND uid = \(uid) AND other = \(other)
                    RETURNING 1
                    """,
                    logger: self.logger
                )
            return try await self.exists(rows)
        }
    }

    func relations(_ list: RelationList, appID: Int64, uid: Int64) async throws -> [Int64] {
        try await write("list \(list.rawValue) of \(appID)/\(uid)") {
            let rows = try await self.database.client.query(
                "SELECT other FROM relations WHERE list = \(Self.code(list)) AND appid = \(appID) AND uid = \(uid) ORDER BY other",
                logger: self.logger
            )
            var others: [Int64] = []
            for try await other in rows.decode(Int64.self) { others.append(other) }
            return others
        }
    }

    /// A list as the `relations.list` column stores it.
    private static func code(_ list: RelationList) -> Int16 { list == .friends ? 0 : 1 }

    private static func list(_ code: Int16) -> RelationList? {
        switch code {
        case 0: .friends
        case 1: .blacklist
        default: nil
        }
    }
}
