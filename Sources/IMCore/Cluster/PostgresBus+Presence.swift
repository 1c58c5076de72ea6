import AsyncAlgorithms
import PostgresNIO
import ServiceLifecycle

/// Presence: this node's users written to `presence` in batches, other nodes' read when a decision needs
/// them, and the sync notifies that repair what the bus may have missed.
extension PostgresBus {
    func presenceChanged(_ user: UserKey) {
        state.withLock { _ = $0.changedUsers.insert(user) }
    }

    /// After the LISTEN connection (re)connects: every user with a session here syncs.
    func resyncLocalUsers() {
        let users = Set(local.sessions.allSessions().map(\.0))
        state.withLock { $0.resync.formUnion(users) }
    }

    func presenceLoop() async {
        let ticks = AsyncTimerSequence(interval: .milliseconds(20), clock: .continuous).cancelOnGracefulShutdown()
        for await _ in ticks {
            await writePresence()
            await resync()
        }
    }

    /// Writes the presence of the users whose sessions here changed: a row while they have one, none
    /// after their last closed. Users who just came online are then told to sync: a message whose sender
    /// read `presence` before this write did not reach them through the bus.
    private func writePresence() async {
        let changed = state.withLock { s -> Set<UserKey> in
            defer { s.changedUsers = [] }
            return s.changedUsers
        }
        guard !changed.isEmpty else { return }
        var online: [(UserKey, Bool)] = []
        var offline: [UserKey] = []
        for user in changed {
            switch local.sessions.presence(of: user) {
            case .offline: offline.append(user)
            case .mobile: online.append((user, true))
            case .otherPlatforms: online.append((user, false))
            }
        }
        let me = membership.nodeID
        let (apps, uids, mobile) = (online.map(\.0.appID), online.map(\.0.uid), online.map(\.1))
        let (goneApps, goneUIDs) = (offline.map(\.appID), offline.map(\.uid))
        do {
            try await database.withinTimeout("writing the presence of \(changed.count) users") {
                _ = try await self.database.client.query(
                    """
                    WITH gone AS (
                        DELETE FROM presence WHERE node = \(me)
                            AND (appid, uid) IN (SELECT * FROM unnest(\(goneApps)::bigint[], \(goneUIDs)::bigint[]))
                    )
                    INSERT INTO presence (appid, uid, node, mobile)
                    SELECT appid, uid, \(me), mobile
                    FROM unnest(\(apps)::bigint[], \(uids)::bigint[], \(mobile)::boolean[]) AS t (appid, uid, mobile)
                    ON CONFLICT (appid, uid, node) DO UPDATE SET mobile = EXCLUDED.mobile
                    """,
                    logger: self.logger
                )
            }
            // Alone, no other node read `presence` before this write: nothing to repair.
            if !membership.otherNodes.isEmpty { state.withLock { $0.resync.formUnion(online.map(\.0)) } }
        } catch {
            state.withLock { $0.changedUsers.formUnion(changed) }
            presenceErrors.log(0) { heldBack in
                logger.warning(
                    "could not write the presence of \(changed.count) users (retrying): \(PostgresDatabase.describe(error))\(LogThrottle<Int>.more(heldBack))"
                )
            }
        }
    }

    /// Sends each user to resync `MSG_SYNC_NOTIFY` with their queue's newest key, read for all of them in
    /// one statement per 10,000 (the periodic check's read).
    private func resync() async {
        let users = state.withLock { s -> Set<UserKey> in
            defer { s.resync = [] }
            return s.resync
        }
        guard !users.isEmpty else { return }
        let queues = users.map { QueueID.personal(appID: $0.appID, uid: $0.uid) }
        let heads: [QueueID: UInt64]
        do {
            heads = try await queueHeads(queues)
        } catch {
            state.withLock { $0.resync.formUnion(users) }
            presenceErrors.log(1) { heldBack in
                logger.warning(
                    "could not resync \(users.count) users (retrying): \(PostgresDatabase.describe(error))\(LogThrottle<Int>.more(heldBack))"
                )
            }
            return
        }
        for queue in queues {
            // An empty queue (no row) too: the periodic check then knows its first message is new.
            let newest = heads[queue] ?? 0
            state.withLock { $0.handed[queue] = max($0.handed[queue] ?? 0, newest) }
            guard newest > 0 else { continue }
            let user = UserKey(appID: queue.appID, uid: queue.ownerID)
            local.deliver(Delivery(.transient(.syncKey(.syncNotify, newest)), to: [Delivery.Recipient(user)]))
        }
    }

    /// Other live nodes' presence of `users`.
    func remotePresence(of users: [UserKey], completion: @escaping @Sendable ([UserKey: Presence]) -> Void) {
        let (apps, uids, me) = (users.map(\.appID), users.map(\.uid), membership.nodeID)
        database.run("reading the presence of \(users.count) users") {
            let rows = try await self.database.client.query(
                """
                SELECT p.appid, p.uid, bool_or(p.mobile) FROM presence p
                JOIN nodes n ON n.id = p.node AND n.lease_until > now()
                WHERE p.node <> \(me)
                    AND (p.appid, p.uid) IN (SELECT * FROM unnest(\(apps)::bigint[], \(uids)::bigint[]))
                GROUP BY p.appid, p.uid
                """,
                logger: self.logger
            )
            var found: [UserKey: Presence] = [:]
            for try await (appID, uid, mobile) in rows.decode((Int64, Int64, Bool).self) {
                found[UserKey(appID: appID, uid: uid)] = mobile ? .mobile : .otherPlatforms
            }
            return found
        } completion: { result in
            // Unknown counts as offline: a push too many rather than none.
            completion((try? result.get()) ?? [:])
        }
    }

    /// Users of `appID` with sessions on other live nodes, ascending.
    func remoteOnlineUsers(appID: Int64, limit: Int) async throws -> [Int64] {
        let (me, limit) = (membership.nodeID, Int64(limit))
        return try await database.withinTimeout("listing online users") {
            let rows = try await self.database.client.query(
                """
                SELECT DISTINCT p.uid FROM presence p JOIN nodes n ON n.id = p.node AND n.lease_until > now()
                WHERE p.appid = \(appID) AND p.node <> \(me) ORDER BY p.uid LIMIT \(limit)
                """,
                logger: self.logger
            )
            var uids: [Int64] = []
            for try await uid in rows.decode(Int64.self) { uids.append(uid) }
            return uids
        }
    }
}
