import NIOCore
import Synchronization

/// Who is online where: each user's logged-in sessions, and delivery of pushes to them.
///
/// Delivery hops to each session's own event loop; the registry's lock is held only to copy a user's
/// session list, never while a session does work.
package final class SessionRegistry: Sendable {
    /// One logged-in connection.
    package struct Entry: Sendable {
        package let id: UInt64
        package let deviceID: Int64
        package let platform: IMAuthToken.Platform
        let handler: NIOLoopBound<SessionHandler>

        package var eventLoop: any EventLoop { handler.eventLoop }
    }

    /// Which sessions of a user a delivery skips: the sender's own device (reference §3), or for device 0
    /// (web, many tabs share it) only the sending connection.
    package struct Exclusion: Sendable {
        package var deviceID: Int64
        package var sessionID: UInt64?

        package init(deviceID: Int64, sessionID: UInt64?) {
            self.deviceID = deviceID
            self.sessionID = sessionID
        }

        func excludes(_ entry: Entry) -> Bool {
            if deviceID == 0 { return sessionID == nil || entry.id == sessionID }
            return entry.deviceID == deviceID
        }
    }

    /// Logged-in connections and distinct users of one app (kept as sessions come and go, so `/summary`
    /// reads them without walking every user under the lock).
    package struct AppCounts: Sendable, Equatable {
        package var clients = 0
        package var users = 0
    }

    private struct State {
        var users: [UserKey: [Entry]] = [:]
        var clients = 0
        var apps: [Int64: AppCounts] = [:]

        mutating func adjust(_ appID: Int64, clients: Int, users: Int) {
            var counts = apps[appID, default: AppCounts()]
            counts.clients += clients
            counts.users += users
            apps[appID] = counts.clients == 0 && counts.users == 0 ? nil : counts
        }
    }

    private let state = Mutex(State())
    private let nextID = Atomic<UInt64>(1)

    package init() {}

    /// A new session id.
    package func makeSessionID() -> UInt64 {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Adds a session; returns the sessions to close (the oldest) when `limit` (> 0) is exceeded.
    func register(_ user: UserKey, _ entry: Entry, limit: Int) -> [Entry] {
        state.withLock { s in
            s.clients += 1
            s.adjust(user.appID, clients: 1, users: s.users[user] == nil ? 1 : 0)
            s.users[user, default: []].append(entry)
            guard limit > 0, let count = s.users[user]?.count, count > limit else { return [] }
            let evicted = Array(s.users[user]!.prefix(count - limit))
            s.users[user]!.removeFirst(count - limit)
            s.clients -= evicted.count
            s.adjust(user.appID, clients: -evicted.count, users: 0)
            return evicted
        }
    }

    /// Removes a session (no-op if already removed).
    func unregister(_ user: UserKey, id: UInt64) {
        state.withLock { s in
            guard var entries = s.users[user], let index = entries.firstIndex(where: { $0.id == id }) else { return }
            entries.remove(at: index)
            s.clients -= 1
            s.adjust(user.appID, clients: -1, users: entries.isEmpty ? -1 : 0)
            s.users[user] = entries.isEmpty ? nil : entries
        }
    }

    /// The user's sessions now.
    package func sessions(of user: UserKey) -> [Entry] {
        state.withLock { $0.users[user] ?? [] }
    }

    /// Whether the user has a session.
    package func isOnline(_ user: UserKey) -> Bool {
        state.withLock { $0.users[user] != nil }
    }

    /// What kind of sessions a user has, for the offline push decision (reference §2.1 step 6).
    package enum Presence: Sendable, Equatable {
        /// No session.
        case offline
        /// A session on a mobile platform (iOS, Android): always online.
        case mobile
        /// Sessions on other platforms only (web, desktop): online unless the user asked for pushes
        /// while on the desktop (`notification_on`).
        case otherPlatforms
    }

    /// The user's `Presence` now.
    package func presence(of user: UserKey) -> Presence {
        state.withLock { s in
            guard let entries = s.users[user] else { return .offline }
            return entries.contains { $0.platform.isMobile } ? .mobile : .otherPlatforms
        }
    }

    /// Logged-in connections and distinct users, overall or within one app.
    package func counts(appID: Int64? = nil) -> (clients: Int, users: Int) {
        state.withLock { s in
            guard let appID else { return (s.clients, s.users.count) }
            let counts = s.apps[appID] ?? AppCounts()
            return (counts.clients, counts.users)
        }
    }

    /// The uids of `appID` with a session now, ascending.
    package func onlineUsers(appID: Int64) -> [Int64] {
        state.withLock { s in s.users.keys.filter { $0.appID == appID }.map(\.uid) }.sorted()
    }

    /// Logged-in connections and distinct users per app, for every app with someone online.
    package func countsByApp() -> [Int64: AppCounts] {
        state.withLock { $0.apps }
    }

    /// Every session, for shutdown and kicks.
    package func allSessions() -> [(UserKey, Entry)] {
        state.withLock { s in s.users.flatMap { user, entries in entries.map { (user, $0) } } }
    }

    /// Sends `push` to every session of `user` except those `exclusion` names; returns how many got it.
    /// The push is only built if some session gets it (a sender's copy for its other devices, mostly none).
    @discardableResult
    package func deliver(
        _ makePush: @autoclosure () -> Push,
        to user: UserKey,
        except exclusion: Exclusion? = nil
    )
        -> Int
    {
        let entries = sessions(of: user)
        var delivered = 0
        var built: Push?
        for entry in entries where !(exclusion?.excludes(entry) ?? false) {
            delivered += 1
            if built == nil { built = makePush() }
            Self.deliver(built!, to: entry)
        }
        return delivered
    }

    /// Sends `push(i)` to every session of `users[i]`, skipping the sessions `exclusion` names for its
    /// user; returns how many sessions got a copy.
    ///
    /// For fan-out (groups): the lock is taken once for all users, `push` is called once per user with a
    /// session, and each event loop gets one task carrying all of its sessions' copies.
    @discardableResult
    package func deliver(
        toEach users: [UserKey],
        except exclusion: (user: UserKey, exclusion: Exclusion)? = nil,
        _ push: (Int) -> Push
    ) -> Int {
        let found: [(index: Int, entries: [Entry])] = state.withLock { s in
            users.indices.compactMap { index in s.users[users[index]].map { (index, $0) } }
        }
        var deliveries: [(Entry, Push)] = []
        deliveries.reserveCapacity(found.count)
        for (index, entries) in found {
            let skip = exclusion.flatMap { $0.user == users[index] ? $0.exclusion : nil }
            var copy: Push?
            for entry in entries where !(skip?.excludes(entry) ?? false) {
                if copy == nil { copy = push(index) }
                deliveries.append((entry, copy!))
            }
        }
        Self.dispatch(deliveries)
        return deliveries.count
    }

    /// Hands each push to its session on the session's event loop, one task per event loop (the current
    /// loop's sessions are served at once).
    package static func dispatch(_ deliveries: [(Entry, Push)]) {
        guard deliveries.count > 1 else {
            if let (entry, push) = deliveries.first { deliver(push, to: entry) }
            return
        }
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, items: [(Entry, Push)])] = [:]
        for (entry, push) in deliveries {
            let loop = entry.handler.eventLoop
            byLoop[ObjectIdentifier(loop), default: (loop, [])].items.append((entry, push))
        }
        for (_, batch) in byLoop {
            if batch.loop.inEventLoop {
                for (entry, push) in batch.items { entry.handler.value.push(push) }
            } else {
                let items = batch.items
                batch.loop.execute {
                    for (entry, push) in items { entry.handler.value.push(push) }
                }
            }
        }
    }

    private static func deliver(_ push: Push, to entry: Entry) {
        let handler = entry.handler
        if handler.eventLoop.inEventLoop {
            handler.value.push(push)
        } else {
            handler.eventLoop.execute { handler.value.push(push) }
        }
    }

    /// Closes every session of `user`, or only those of one device (an admin kick); returns how many.
    package func close(_ user: UserKey, deviceID: Int64? = nil, reason: String) -> Int {
        let entries = sessions(of: user).filter { deviceID == nil || $0.deviceID == deviceID }
        for entry in entries {
            let handler = entry.handler
            handler.eventLoop.execute { handler.value.close(reason: reason) }
        }
        return entries.count
    }
}
