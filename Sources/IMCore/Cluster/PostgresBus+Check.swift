import AsyncAlgorithms
import PostgresNIO
import ServiceLifecycle

/// The periodic check that catches what a lost notification missed, whatever lost it: a LISTEN
/// connection that was away, a node another node took for dead for a moment (its lease ran out under
/// load, so nothing was sent to it), a node that died between a commit and its NOTIFY.
///
/// The bus notes the newest key of each queue it handed this node's sessions: the personal queues of
/// stored deliveries made here or received from other nodes (and of `resync`'s notifies), and the queues of
/// super groups with the recipients of their last delivery here. Every 2 s one statement reads the heads
/// (`queues.last_key`) of this node's users' personal queues and of those super groups; a queue whose head
/// is past what was handed at two checks in a row (a notification in flight has arrived by then) is
/// announced: `MSG_SYNC_NOTIFY` to its user, `MSG_SYNC_GROUP_NOTIFY` to the group's recipients here, and
/// they sync. A user seen for the first time is taken as up to date (the sync notify that follows a
/// login's presence write covers what came before); a super group is followed from its first delivery
/// here, and forgotten after 10 minutes without one.
extension PostgresBus {
    static var checkInterval: Duration { .seconds(2) }
    static var groupMemory: Duration { .seconds(600) }

    /// A super group's recipients at its last delivery here, and when.
    struct GroupAudience: Sendable {
        var recipients: [Delivery.Recipient]
        var at: ContinuousClock.Instant
    }

    /// Notes the entries a delivery hands this node's sessions.
    func noteHanded(_ entries: [QueueEntry], to recipients: [Delivery.Recipient]) {
        state.withLock { s in
            for (index, entry) in entries.enumerated() {
                s.handed[entry.queue] = max(s.handed[entry.queue] ?? 0, entry.id)
                if entry.queue.kind == .group {
                    let audience = recipients.allSatisfy { $0.entry == index } ? recipients : recipients.filter { $0.entry == index }
                    s.groups[entry.queue] = GroupAudience(recipients: audience, at: .now)
                }
            }
        }
    }

    func checkLoop() async {
        let ticks = AsyncTimerSequence(interval: Self.checkInterval, clock: .continuous).cancelOnGracefulShutdown()
        for await _ in ticks { await check() }
    }

    private func check() async {
        // Alone, nothing travels through the bus: nothing to check. What was noted stays: a node that looks
        // alone for a moment (the others' heartbeats read late) is the case the check is for.
        guard !membership.otherNodes.isEmpty else { return }
        let users = Set(local.sessions.allSessions().map { QueueID.personal(appID: $0.0.appID, uid: $0.0.uid) })
        let groups = state.withLock { s -> Set<QueueID> in
            let recent = ContinuousClock.now - Self.groupMemory
            s.groups = s.groups.filter { $0.value.at > recent }
            return Set(s.groups.keys)
        }
        let queues = users.union(groups)
        guard !queues.isEmpty else { return }
        let heads: [QueueID: UInt64]
        do {
            heads = try await queueHeads(Array(queues))
        } catch {
            logger.warning("could not check what the bus delivered: \(PostgresDatabase.describe(error))")
            return
        }
        let behind = state.withLock { s -> [(QueueID, UInt64, [Delivery.Recipient])] in
            var behind: [(QueueID, UInt64, [Delivery.Recipient])] = []
            var suspects: [QueueID: UInt64] = [:]
            s.handed = s.handed.filter { queues.contains($0.key) }
            for (queue, head) in heads {
                guard let handed = s.handed[queue] else {
                    s.handed[queue] = head
                    continue
                }
                guard head > handed else { continue }
                if let suspect = s.suspects[queue], suspect > handed {
                    let recipients =
                        queue.kind == .personal
                        ? [Delivery.Recipient(UserKey(appID: queue.appID, uid: queue.ownerID))]
                        : (s.groups[queue]?.recipients ?? []).map { Delivery.Recipient($0.user) }
                    behind.append((queue, head, recipients))
                    s.handed[queue] = head
                } else {
                    suspects[queue] = head
                }
            }
            s.suspects = suspects
            return behind
        }
        guard !behind.isEmpty else { return }
        figures.missed.add(behind.count, ordering: .relaxed)
        logger.notice("\(behind.count) queues here were behind what the bus delivered: their users were told to sync")
        for (queue, head, recipients) in behind {
            let frame: OutboundFrame =
                queue.kind == .personal
                ? .syncKey(.syncNotify, head) : .groupSyncKey(.syncGroupNotify, groupID: queue.ownerID, key: head)
            local.deliver(Delivery(.transient(frame), to: recipients))
        }
    }

    /// The newest key of each queue (queues without an entry are left out), 10,000 per statement.
    func queueHeads(_ queues: [QueueID]) async throws -> [QueueID: UInt64] {
        var heads: [QueueID: UInt64] = [:]
        for start in stride(from: 0, to: queues.count, by: 10_000) {
            let part = queues[start..<min(start + 10_000, queues.count)]
            let (kinds, apps, owners) = (part.map { Int16($0.kind.rawValue) }, part.map(\.appID), part.map(\.ownerID))
            let found = try await database.withinTimeout("reading the heads of \(part.count) queues") {
                var found: [(QueueID, UInt64)] = []
                let rows = try await self.database.client.query(
                    """
                    SELECT kind, appid, owner, last_key FROM queues
                    WHERE (kind, appid, owner) IN (
                        SELECT * FROM unnest(\(kinds)::smallint[], \(apps)::bigint[], \(owners)::bigint[]))
                    """,
                    logger: self.logger
                )
                for try await (kind, appID, owner, key) in rows.decode((Int16, Int64, Int64, Int64).self) {
                    guard let kind = QueueID.Kind(rawValue: UInt8(clamping: kind)) else { continue }
                    found.append((QueueID(kind: kind, appID: appID, ownerID: owner), UInt64(key)))
                }
                return found
            }
            for (queue, key) in found { heads[queue] = key }
        }
        return heads
    }
}
