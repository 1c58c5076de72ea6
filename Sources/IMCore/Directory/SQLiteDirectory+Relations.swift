import Foundation
import GRDB

extension SQLiteDirectory {
    /// How `uid` and `other` stand in `appID` (PROTOCOL.md §5.6); from memory, at once.
    package func relationship(
        appID: Int64,
        uid: Int64,
        other: Int64,
        completion: @escaping @Sendable (Result<Relationship, DirectoryError>) -> Void
    ) {
        let relationship = state.withLock { state in
            var relationship: Relationship = []
            func has(_ list: RelationList, _ a: Int64, _ b: Int64) -> Bool {
                state.relations.contains(RelationKey(list: list, appID: appID, uid: a, other: b))
            }
            if has(.friends, uid, other) { relationship.insert(.isMyFriend) }
            if has(.friends, other, uid) { relationship.insert(.isYourFriend) }
            if has(.blacklist, uid, other) { relationship.insert(.inMyBlacklist) }
            if has(.blacklist, other, uid) { relationship.insert(.inYourBlacklist) }
            return relationship
        }
        completion(.success(relationship))
    }

    /// Adds or removes `other` in `uid`'s list, committed before this returns; returns whether it changed.
    package func setRelation(
        _ list: RelationList,
        appID: Int64,
        uid: Int64,
        other: Int64,
        present: Bool
    ) async throws -> Bool {
        let key = RelationKey(list: list, appID: appID, uid: uid, other: other)
        let now = Int64(Date.now.timeIntervalSince1970)
        return try await writeDurably("\(present ? "add" : "remove") \(other) in \(list.rawValue) of \(appID)/\(uid)") {
            db in
            if present {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO \(list.rawValue) (appid, uid, other, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [appID, uid, other, now]
                )
            } else {
                try db.execute(
                    sql: "DELETE FROM \(list.rawValue) WHERE appid = ? AND uid = ? AND other = ?",
                    arguments: [appID, uid, other]
                )
            }
            return db.changesCount > 0
        } then: { state, _ in
            if present { state.relations.insert(key) } else { state.relations.remove(key) }
        }
    }

    /// The uids in `uid`'s list, ascending; from memory.
    package func relations(_ list: RelationList, appID: Int64, uid: Int64) -> [Int64] {
        state.withLock { state in
            state.relations.filter { $0.list == list && $0.appID == appID && $0.uid == uid }.map(\.other)
        }.sorted()
    }
}
