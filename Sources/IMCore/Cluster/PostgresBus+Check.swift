import AsyncAlgorithms
import PostgresNIO
import ServiceLifecycle

/// The periodic check that catches what a lost notification missed, whatever lost it: a LISTEN
/// connection that was away, a node another node took for dead for a moment (its lease ran out under
/// load, so nothing was sent to it), a node that died between a commit and its NOTIFY.
///
/// The bus notes the newest key of each user's personal queue it handed this node's sessions (stored
/// deliveries made here or received from other nodes, and the sync notifies of `resync`). Every 2 s one
/// statement reads the queue heads (`queues.last_key`) of this node's users; a user whose head is past
/// what was handed at two checks in a row (a notification in flight has arrived by then) is sent
/// `MSG_SYNC_NOTIFY` with the head, and syncs. A user seen for the first time is taken as up to date:
/// the sync notify that follows a login's presence write covers what came before.
extension PostgresBus {
    static var checkInterval: Duration { .seconds(2) }

    /// Notes the personal-queue entries a delivery hands this node's sessions.
    func noteHanded(_ entries: [QueueEntry]) {
        state.withLock { s in
            for entry in entries where entry.queue.kind == .personal {
                let user = UserKey(appID: entry.queue.appID, uid: entry.queue.ownerID)
                s.handed[user] = max(s.handed[user] ?? 0, entry.id)
            }
        }
    }

    func checkLoop() async {
        let ticks = AsyncTimerSequence(interval: Self.checkInterval, clock: .continuous).cancelOnGracefulShutdown()
        for await _ in ticks { await check() }
    }

    private func check() async {
        // Alone, nothing travels through the bus: nothing to check, and what was noted is forgotten.
        guard !membership.otherNodes.isEmpty else {
            state.withLock { s in
                s.handed = [:]
                s.suspects = [:]
            }
            return
        }
        let users = Set(local.sessions.allSessions().map(\.0))
        let heads: [UserKey: UInt64]
        do {
            heads = try await queueHeads(of: Array(users))
        } catch {
            logger.warning("could not check what the bus delivered: \(PostgresDatabase.describe(error))")
            return
        }
        let behind = state.withLock { s -> [(UserKey, UInt64)] in
            var behind: [(UserKey, UInt64)] = []
            var suspects: [UserKey: UInt64] = [:]
            s.handed = s.handed.filter { users.contains($0.key) }
            for (user, head) in heads {
                guard let handed = s.handed[user] else {
                    s.handed[user] = head
                    continue
                }
                guard head > handed else { continue }
                if let suspect = s.suspects[user], suspect > handed {
                    behind.append((user, head))
                    s.handed[user] = head
                } else {
                    suspects[user] = head
                }
            }
            s.suspects = suspects
            return behind
        }
        guard !behind.isEmpty else { return }
        figures.missed.add(behind.count, ordering: .relaxed)
        logger.notice("\(behind.count) users here were behind what the bus delivered: told to sync")
        for (user, head) in behind {
            local.deliver(Delivery(.transient(.syncKey(.syncNotify, head)), to: [Delivery.Recipient(user)]))
        }
    }

    /// The newest key of each user's personal queue (users without one are left out), 10,000 users per
    /// statement.
    private func queueHeads(of users: [UserKey]) async throws -> [UserKey: UInt64] {
        var heads: [UserKey: UInt64] = [:]
        let personal = Int16(QueueID.Kind.personal.rawValue)
        for start in stride(from: 0, to: users.count, by: 10_000) {
            let part = users[start..<min(start + 10_000, users.count)]
            let (apps, uids) = (part.map(\.appID), part.map(\.uid))
            let found = try await database.withinTimeout("reading the queue heads of \(part.count) users") {
                var found: [(UserKey, UInt64)] = []
                let rows = try await self.database.client.query(
                    """
                    SELECT appid, owner, last_key FROM queues
                    WHERE kind = \(personal)
                        AND (appid, owner) IN (SELECT * FROM unnest(\(apps)::bigint[], \(uids)::bigint[]))
                    """,
                    logger: self.logger
                )
                for try await (appID, uid, key) in rows.decode((Int64, Int64, Int64).self) {
                    found.append((UserKey(appID: appID, uid: uid), UInt64(key)))
                }
                return found
            }
            for (user, key) in found { heads[user] = key }
        }
        return heads
    }
}
