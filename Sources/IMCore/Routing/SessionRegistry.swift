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

    private struct State {
        var users: [UserKey: [Entry]] = [:]
        var clients = 0
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
            s.users[user, default: []].append(entry)
            guard limit > 0, let count = s.users[user]?.count, count > limit else { return [] }
            let evicted = Array(s.users[user]!.prefix(count - limit))
            s.users[user]!.removeFirst(count - limit)
            s.clients -= evicted.count
            return evicted
        }
    }

    /// Removes a session (no-op if already removed).
    func unregister(_ user: UserKey, id: UInt64) {
        state.withLock { s in
            guard var entries = s.users[user], let index = entries.firstIndex(where: { $0.id == id }) else { return }
            entries.remove(at: index)
            s.clients -= 1
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

    /// Logged-in connections and distinct users, overall or within one app.
    package func counts(appID: Int64? = nil) -> (clients: Int, users: Int) {
        state.withLock { s in
            guard let appID else { return (s.clients, s.users.count) }
            var clients = 0
            var users = 0
            for (user, entries) in s.users where user.appID == appID {
                users += 1
                clients += entries.count
            }
            return (clients, users)
        }
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
            let push = built!
            let handler = entry.handler
            if handler.eventLoop.inEventLoop {
                handler.value.push(push)
            } else {
                handler.eventLoop.execute { handler.value.push(push) }
            }
        }
        return delivered
    }

    /// Closes every session of `user` (an admin kick); returns how many.
    package func close(_ user: UserKey, reason: String) -> Int {
        let entries = sessions(of: user)
        for entry in entries {
            let handler = entry.handler
            handler.eventLoop.execute { handler.value.close(reason: reason) }
        }
        return entries.count
    }
}
