import Foundation
import PostgresNIO

/// Sending: the outbox is taken every few milliseconds; its recipients' nodes are read from `presence` in
/// one statement, and each node gets its share in as few notifications as fit, all sent by one statement.
extension PostgresBus {
    func send(_ outgoing: Outgoing) {
        state.withLock { $0.outbox.append(outgoing) }
        wakeup.yield()
    }

    func outboxLoop() async {
        for await _ in wakeups {
            // Coalesce what the next milliseconds bring.
            try? await Task.sleep(for: .milliseconds(2))
            await flushOutbox()
        }
        await flushOutbox()
    }

    private func flushOutbox() async {
        let outbox = state.withLock { s -> [Outgoing] in
            defer { s.outbox = [] }
            return s.outbox
        }
        let peers = membership.otherNodes
        guard !outbox.isEmpty, !peers.isEmpty else { return }
        let nodesOf: [UserKey: [String]]
        do {
            let users = Array(Set(outbox.flatMap { $0.users ?? [] }))
            nodesOf = users.isEmpty ? [:] : try await nodes(of: users).mapValues { $0.map(ClusterMembership.channel(of:)) }
            state.withLock { $0.failedReads = 0 }
        } catch {
            // Nothing was sent: the outbox goes back, in order, before what came since. After a few
            // failures in a row the database is away, and every node resyncs its users when its LISTEN
            // connection comes back.
            let retry = state.withLock { s -> Bool in
                s.failedReads += 1
                guard s.failedReads <= Self.readAttempts else { return false }
                s.outbox = outbox + s.outbox
                return true
            }
            logger.warning(
                "could not find the nodes of \(outbox.count) deliveries (\(retry ? "retrying" : "dropped: their users sync when the database is back")): \(PostgresDatabase.describe(error))"
            )
            if retry {
                try? await Task.sleep(for: .milliseconds(200))
                wakeup.yield()
            }
            return
        }
        var perNode: [String: [BusNotification.Item]] = [:]
        for outgoing in outbox {
            guard let users = outgoing.users else {
                for peer in peers { perNode[peer.channel, default: []].append(outgoing.item) }
                continue
            }
            for (channel, item) in share(outgoing.item, users: users, nodesOf: nodesOf) {
                perNode[channel, default: []].append(item)
            }
        }
        do {
            try await notify(perNode)
        } catch {
            // Never sent again: the statement may have run (a reply lost), and a delivery must not arrive
            // twice. Their recipients there get them by their next sync.
            logger.warning(
                "could not tell other nodes about \(outbox.count) deliveries: \(PostgresDatabase.describe(error))"
            )
        }
    }

    /// How many times in a row an outbox whose recipients' nodes could not be read is tried again.
    static var readAttempts: Int { 3 }

    /// Each node's part of `item`: for a delivery, the recipients who have sessions there.
    private func share(
        _ item: BusNotification.Item,
        users: [UserKey],
        nodesOf: [UserKey: [String]]
    ) -> [(String, BusNotification.Item)] {
        var channels: [String: [Int]] = [:]
        for (index, user) in users.enumerated() {
            for channel in nodesOf[user] ?? [] { channels[channel, default: []].append(index) }
        }
        return channels.map { channel, indexes in (channel, item.narrowed(to: indexes)) }
    }

    /// The other live nodes where each of `users` has sessions.
    func nodes(of users: [UserKey]) async throws -> [UserKey: [String]] {
        let apps = users.map(\.appID)
        let uids = users.map(\.uid)
        let me = membership.nodeID
        return try await database.withinTimeout("finding the nodes of \(users.count) users") {
            let rows = try await self.database.client.query(
                """
                SELECT p.appid, p.uid, p.node FROM presence p
                JOIN nodes n ON n.id = p.node AND n.lease_until > now()
                WHERE p.node <> \(me)
                    AND (p.appid, p.uid) IN (SELECT * FROM unnest(\(apps)::bigint[], \(uids)::bigint[]))
                """,
                logger: self.logger
            )
            var found: [UserKey: [String]] = [:]
            for try await (appID, uid, node) in rows.decode((Int64, Int64, String).self) {
                found[UserKey(appID: appID, uid: uid), default: []].append(node)
            }
            return found
        }
    }

    /// Sends each node its items, packed into notifications under `BusNotification.maxBytes`.
    private func notify(_ perNode: [String: [BusNotification.Item]]) async throws {
        var channels: [String] = []
        var payloads: [String] = []
        for (channel, items) in perNode {
            for payload in pack(items) {
                channels.append(channel)
                payloads.append(payload)
            }
        }
        guard !payloads.isEmpty else { return }
        let (targets, bodies) = (channels, payloads)
        try await database.withinTimeout("sending \(payloads.count) notifications") {
            _ = try await self.database.client.query(
                """
                SELECT pg_notify(channel, payload)
                FROM unnest(\(targets)::text[], \(bodies)::text[]) WITH ORDINALITY AS t (channel, payload, ord)
                ORDER BY ord
                """,
                logger: self.logger
            )
        }
        figures.sent.add(payloads.count, ordering: .relaxed)
    }

    /// `items` as payloads: as many items per notification as fit; a delivery whose recipients do not
    /// fit in one is split by recipients; an item that cannot fit at all is left out (its recipients sync).
    private func pack(_ items: [BusNotification.Item]) -> [String] {
        // Each item is encoded once: a payload is its header (measured with the widest id) and its lines.
        let sent = Date().timeIntervalSince1970
        let widest = BusNotification(id: "\(membership.nodeID)/\(Int.max)", sent: sent, items: []).header.utf8.count
        var groups: [[String]] = []
        var current: [String] = []
        var size = widest
        for line in items.flatMap({ lines(of: $0, room: BusNotification.maxBytes - widest) }) {
            let bytes = line.utf8.count + 1
            if !current.isEmpty && size + bytes > BusNotification.maxBytes {
                groups.append(current)
                current = []
                size = widest
            }
            size += bytes
            current.append(line)
        }
        if !current.isEmpty { groups.append(current) }
        return groups.map { lines in
            let id = state.withLock { s -> Int in
                s.sequence += 1
                return s.sequence
            }
            return BusNotification.payload(
                header: BusNotification(id: "\(membership.nodeID)/\(id)", sent: sent, items: []).header,
                lines: lines
            )
        }
    }

    /// `item` as lines of at most `room` bytes with their newline: a delivery with too many recipients in
    /// halves (each with only its recipients' entries); a stored message whose frame still does not fit
    /// for one recipient without its frame (the notify alone: the client syncs). A transient frame too
    /// big to travel is dropped, as a session that does not read drops it on one node.
    private func lines(of item: BusNotification.Item, room: Int) -> [String] {
        let line = item.line
        if line.utf8.count + 1 <= room { return [line] }
        if let recipients = item.recipients, recipients.count > 1 {
            let half = recipients.count / 2
            return lines(of: item.narrowed(to: 0..<half), room: room)
                + lines(of: item.narrowed(to: half..<recipients.count), room: room)
        }
        if item.entries != nil, item.frame != nil {
            var bare = item
            bare.frame = nil
            return lines(of: bare, room: room)
        }
        return []
    }
}
