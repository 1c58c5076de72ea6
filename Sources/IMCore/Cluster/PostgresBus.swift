import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The cluster's `RouteBus`: this node's sessions through `LocalBus`, every other node's through the
/// database (DESIGN.md §5).
///
/// - **Presence**: which users have sessions here is written to `presence` in batches (every 20 ms, only
///   for users whose sessions changed), never per message.
/// - **Delivery**: a delivery goes to this node's sessions at once; then, if other nodes are live, it
///   joins the outbox. Every few milliseconds the outbox asks `presence` which other live nodes have
///   sessions of its recipients and sends each of them one `NOTIFY` (or a few, under 8000 bytes each)
///   carrying that node's share (`BusNotification`). Only after the message's commit (the store completed
///   the append before `deliver` is called), and never inside it.
/// - **Receiving**: this node's `LISTEN` channel (`ClusterMembership.channel`) hands each notification to
///   `LocalBus`, in the order sent.
/// - **Correctness never depends on the bus**: after the LISTEN connection comes back, after another node
///   left the cluster (it may have died between a commit and its NOTIFY), and after a user's
///   presence row is written (a message may have missed it just before), the user's sessions are sent
///   `MSG_SYNC_NOTIFY` with their queue's newest key, so whatever a lost notification carried is fetched
///   by sync; and every 2 s a check finds the users whose queue moved past what the bus handed them
///   (`PostgresBus+Check`).
final class PostgresBus: RouteBus {
    let local: LocalBus
    let membership: ClusterMembership
    let database: PostgresDatabase
    /// Failures of the presence write and the resync read, logged at most once a second each.
    let presenceErrors = LogThrottle<Int>()
    let state = TracedMutex(State())
    let figures = Figures()
    let wakeups: AsyncStream<Void>
    let wakeup: AsyncStream<Void>.Continuation

    struct State {
        /// Users whose sessions here changed since the last presence write.
        var changedUsers = Set<UserKey>()
        /// Users whose sessions here are to be told to sync.
        var resync = Set<UserKey>()
        /// What waits to be sent to other nodes.
        var outbox: [Outgoing] = []
        /// Outbox flushes whose recipients' nodes could not be read, in a row.
        var failedReads = 0
        var sequence = 0
        /// The newest key of each queue handed sessions here, the queues behind it at the last check,
        /// and the super groups followed (`PostgresBus+Check`).
        var handed: [QueueID: UInt64] = [:]
        var suspects: [QueueID: UInt64] = [:]
        var groups: [QueueID: GroupAudience] = [:]
    }

    /// An outbox entry: what to send, and to whom (nil: every other live node).
    struct Outgoing: Sendable {
        var item: BusNotification.Item
        /// The users it concerns: it goes to the nodes where they have sessions.
        var users: [UserKey]?
    }

    final class Figures: Sendable {
        let sent = Atomic<Int>(0)
        let received = Atomic<Int>(0)
        /// The last received notification's age when it arrived, in microseconds.
        let lagMicroseconds = Atomic<Int>(0)
        /// Queues the periodic check found behind what the bus delivered (a notification was lost).
        let missed = Atomic<Int>(0)
    }

    init(
        local: LocalBus,
        membership: ClusterMembership,
        database: PostgresDatabase,
        listener: PostgresListener
    ) {
        self.local = local
        self.membership = membership
        self.database = database
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        listener.subscribe(membership.channel) { [weak self] in
            // Alone, no notification could have been missed while the connection was away.
            guard let self, !self.membership.otherNodes.isEmpty else { return }
            self.resyncLocalUsers()
        } notified: { [weak self] payload in
            self?.received(payload)
        }
        // A node that died between a commit and its NOTIFY took those notifications with it.
        membership.onPeersLost { [weak self] nodes in
            self?.logger.notice("nodes \(nodes.joined(separator: ", ")) left the cluster: every user here syncs")
            self?.resyncLocalUsers()
        }
    }

    var logger: Logger { database.logger }

    // MARK: RouteBus

    func register(_ session: SessionEntry, as user: UserKey, limit: Int) -> [SessionEntry] {
        let evicted = local.register(session, as: user, limit: limit)
        presenceChanged(user)
        return evicted
    }

    func unregister(_ user: UserKey, sessionID: UInt64) {
        local.unregister(user, sessionID: sessionID)
        presenceChanged(user)
    }

    func deliver(_ delivery: Delivery) {
        local.deliver(delivery)
        // Noted alone too: the check compares with it once other nodes are live again.
        if case .stored(_, let entries, _) = delivery.content { noteHanded(entries, to: delivery.recipients) }
        guard !membership.otherNodes.isEmpty else { return }
        var item = BusNotification.Item(kind: .delivery)
        item.recipients = delivery.recipients.map { [$0.user.appID, $0.user.uid, Int64($0.entry)] }
        if let exclusion = delivery.exclusion, exclusion.deviceID != 0 {
            item.exclusion = [exclusion.user.appID, exclusion.user.uid, exclusion.deviceID]
        }
        switch delivery.content {
        case .stored(let frame, let entries, let realtime):
            item.entries = entries.map {
                [Int64($0.queue.kind.rawValue), $0.queue.appID, $0.queue.ownerID, Int64($0.id), Int64($0.previousID)]
            }
            item.realtime = realtime
            if realtime { item.frame = BusFrame.encode(frame) }
        case .transient(let frame):
            guard let encoded = BusFrame.encode(frame) else { return }
            item.frame = encoded
        }
        send(Outgoing(item: item, users: delivery.recipients.map(\.user)))
    }

    func presence(of users: [UserKey], completion: @escaping @Sendable ([Presence]) -> Void) {
        local.presence(of: users) { here in
            let elsewhere = zip(users, here).filter { $0.1 != .mobile }.map(\.0)
            guard !elsewhere.isEmpty, !self.membership.otherNodes.isEmpty else { return completion(here) }
            self.remotePresence(of: elsewhere) { remote in
                completion(
                    zip(users, here).map { user, presence in
                        switch (presence, remote[user]) {
                        case (.mobile, _), (_, .mobile?): .mobile
                        case (.otherPlatforms, _), (_, .otherPlatforms?): .otherPlatforms
                        default: .offline
                        }
                    }
                )
            }
        }
    }

    @discardableResult
    func enter(_ room: RoomKey, _ member: RoomMember) -> UInt64? {
        local.enter(room, member)
    }

    func leave(_ room: RoomKey, sessionID: UInt64) {
        local.leave(room, sessionID: sessionID)
    }

    @discardableResult
    func relay(_ frame: OutboundFrame, toRoom room: RoomKey, except exclusion: SendingSession?) -> Int {
        let relayed = local.relay(frame, toRoom: room, except: exclusion)
        if !membership.otherNodes.isEmpty, let encoded = BusFrame.encode(frame) {
            var item = BusNotification.Item(kind: .room, frame: encoded)
            item.target = [room.appID, room.roomID]
            if let exclusion, exclusion.deviceID != 0 {
                item.exclusion = [exclusion.user.appID, exclusion.user.uid, exclusion.deviceID]
            }
            send(Outgoing(item: item, users: nil))
        }
        return relayed
    }

    /// This node's sessions of `user` (another node's are listed by that node's admin API).
    func sessions(of user: UserKey) async -> [SessionInfo] {
        await local.sessions(of: user)
    }

    func otherNodes(of users: [UserKey]) async throws -> [UserKey: [String]] {
        guard !users.isEmpty, !membership.otherNodes.isEmpty else { return [:] }
        return try await nodes(of: users)
    }

    func onlineUsers(appID: Int64, limit: Int) async -> [Int64] {
        let here = await local.onlineUsers(appID: appID, limit: limit)
        let elsewhere = (try? await remoteOnlineUsers(appID: appID, limit: limit)) ?? []
        return Array(Set(here + elsewhere).sorted().prefix(limit))
    }

    func kick(_ user: UserKey, deviceID: Int64?, reason: String) async -> Int {
        let kicked = await local.kick(user, deviceID: deviceID, reason: reason)
        if !membership.otherNodes.isEmpty {
            var item = BusNotification.Item(kind: .kick, target: [user.appID, user.uid], device: deviceID)
            item.reason = reason
            send(Outgoing(item: item, users: [user]))
        }
        return kicked
    }

    // MARK: Lifecycle

    /// Writes presence and sends the outbox until graceful shutdown, then once more.
    func run() async throws {
        await withTaskGroup(of: Void.self) { loops in
            loops.addTask { await self.presenceLoop() }
            loops.addTask { await self.outboxLoop() }
            loops.addTask { await self.checkLoop() }
            loops.addTask {
                try? await gracefulShutdown()
                self.wakeup.finish()
            }
        }
    }
}
