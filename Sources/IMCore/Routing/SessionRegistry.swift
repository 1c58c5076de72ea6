import NIOCore
import Synchronization

/// This server's logged-in sessions by user, with per-app counts for `/summary`.
///
/// The lock is held only to change or copy a user's session list, never while a session does work.
package final class SessionRegistry: Sendable {
    /// Logged-in connections and distinct users of one app (kept as sessions come and go, so `/summary`
    /// reads them without walking every user under the lock).
    package struct AppCounts: Sendable, Equatable {
        package var clients = 0
        package var users = 0
    }

    private struct State {
        var users: [UserKey: [SessionEntry]] = [:]
        var clients = 0
        var apps: [Int64: AppCounts] = [:]
        /// `waitUntilEmpty()` callers by a number of their own, resumed when the last session goes.
        var emptyWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]

        mutating func adjust(_ appID: Int64, clients: Int, users: Int) {
            var counts = apps[appID, default: AppCounts()]
            counts.clients += clients
            counts.users += users
            apps[appID] = counts.clients == 0 && counts.users == 0 ? nil : counts
        }
    }

    private let state = TracedMutex(State())
    private let nextID = Atomic<UInt64>(1)

    package init() {}

    /// A new session id.
    package func makeSessionID() -> UInt64 {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Adds a session; returns the sessions to close (the oldest) when `limit` (> 0) is exceeded.
    func register(_ user: UserKey, _ entry: SessionEntry, limit: Int) -> [SessionEntry] {
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
        let waiters = state.withLock { s -> [UInt64: CheckedContinuation<Void, Never>] in
            guard var entries = s.users[user], let index = entries.firstIndex(where: { $0.id == id }) else {
                return [:]
            }
            entries.remove(at: index)
            s.clients -= 1
            s.adjust(user.appID, clients: -1, users: entries.isEmpty ? -1 : 0)
            s.users[user] = entries.isEmpty ? nil : entries
            guard s.clients == 0 else { return [:] }
            defer { s.emptyWaiters = [:] }
            return s.emptyWaiters
        }
        for waiter in waiters.values { waiter.resume() }
    }

    /// Returns once no session is registered (at once if none is), or when the task is cancelled.
    package func waitUntilEmpty() async {
        let waiter = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { s in
                    if s.clients == 0 || Task.isCancelled { return true }
                    s.emptyWaiters[waiter] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.emptyWaiters.removeValue(forKey: waiter) }?.resume()
        }
    }

    /// The user's sessions now.
    package func sessions(of user: UserKey) -> [SessionEntry] {
        state.withLock { $0.users[user] ?? [] }
    }

    /// Calls `body` with the index and the sessions of each of `users` that has any, under one lock for
    /// a whole fan-out (so `body` only picks what to send and posts it; it writes to no session).
    package func withSessions(
        ofEach users: some Sequence<UserKey>,
        _ body: (_ index: Int, _ sessions: [SessionEntry]) -> Void
    ) {
        state.withLock { s in
            for (index, user) in users.enumerated() {
                if let sessions = s.users[user] { body(index, sessions) }
            }
        }
    }

    /// Whether the user has a session.
    package func isOnline(_ user: UserKey) -> Bool {
        state.withLock { $0.users[user] != nil }
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
    package func allSessions() -> [(UserKey, SessionEntry)] {
        state.withLock { s in s.users.flatMap { user, entries in entries.map { (user, $0) } } }
    }
}
