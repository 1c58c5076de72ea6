import NIOCore
import Synchronization

/// Closes the client connections of one event loop that sent no complete frame for the idle timeout, and
/// those that have not logged in within the login timeout.
///
/// One repeated task per event loop sweeps that loop's sessions (`IdleTracker`), instead of a scheduled
/// timer per connection: a `Scheduled` task with its promise and closures cost every idle connection
/// about 350 bytes, and re-arming it read the clock on every frame. A session touches its slot on each
/// frame (one store); a sweep every `interval` is a linear scan of the loop's stamps. A connection is
/// closed between `timeout` and `timeout + interval` after its last frame. A second tracker, never
/// touched, holds the sessions not logged in yet: stamped when they start, left when they log in.
final class IdleSweeper {
    let eventLoop: any EventLoop
    private var tracker: IdleTracker<SessionHandler>
    /// Sessions not logged in yet, by when they started; nil without a login timeout.
    private var awaitingLogin: IdleTracker<SessionHandler>?
    private var task: RepeatedTask?

    /// How often sessions are swept for an idle timeout: an eighth of it, at most a second, at least a
    /// millisecond.
    static func interval(for timeout: Duration) -> Duration {
        min(.seconds(1), max(.milliseconds(1), timeout / 8))
    }

    /// The time between sweeps.
    let interval: Duration

    init(eventLoop: any EventLoop, timeout: Duration, loginTimeout: Duration = .zero) {
        self.eventLoop = eventLoop
        let interval = Self.interval(for: loginTimeout > .zero ? min(timeout, loginTimeout) : timeout)
        self.interval = interval
        self.tracker = IdleTracker(timeout: timeout, interval: interval)
        if loginTimeout > .zero { self.awaitingLogin = IdleTracker(timeout: loginTimeout, interval: interval) }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        // A fixed delay between sweeps: they are never closer than `interval`, which the tracker's
        // bound relies on.
        self.task = eventLoop.scheduleRepeatedTask(
            initialDelay: TimeAmount(interval),
            delay: TimeAmount(interval)
        ) { _ in
            bound.value.sweep()
        }
    }

    /// Starts tracking `session` (active now); returns its slot.
    func add(_ session: SessionHandler) -> Int {
        tracker.add(session)
    }

    /// The session in `slot` received a frame.
    @inline(__always)
    func touch(_ slot: Int) {
        tracker.touch(slot)
    }

    /// Stops tracking the session in `slot`; the session moved into its place learns its new slot.
    func remove(_ slot: Int) {
        tracker.remove(slot)?.idleSlot = slot
    }

    /// About how long the session in `slot` has been quiet: whole sweep intervals since its last frame
    /// (for `GET /users/online`; exact to one interval, at most a second).
    func idleTime(_ slot: Int) -> Duration {
        interval * Int(tracker.ticksSinceTouch(slot))
    }

    /// Sessions tracked now.
    var count: Int { tracker.count }

    /// Starts the login deadline of `session` (accepted now); returns its slot, or -1 without a login
    /// timeout.
    func awaitLogin(_ session: SessionHandler) -> Int {
        awaitingLogin?.add(session) ?? -1
    }

    /// The session in `slot` logged in or closed: its login deadline is over.
    func loginEnded(_ slot: Int) {
        guard slot >= 0 else { return }
        awaitingLogin?.remove(slot)?.loginSlot = slot
    }

    private func sweep() {
        for session in tracker.advance() { session.closeIdle() }
        // Late logins stay tracked until they close, so one being checked now is looked at again.
        for session in awaitingLogin?.advance() ?? [] { session.closeLoginTimeout() }
    }

    /// Stops sweeping (the event loop group is shutting down).
    func cancel() {
        task?.cancel()
        task = nil
    }
}

@available(*, unavailable)
extension IdleSweeper: Sendable {}

/// Every event loop's `IdleSweeper`, made on first use on that loop.
final class IdleSweepers: Sendable {
    let timeout: Duration
    /// `login_timeout`; zero: none.
    let loginTimeout: Duration
    private let sweepers = TracedMutex<[ObjectIdentifier: NIOLoopBound<IdleSweeper>]>([:])

    init(timeout: Duration, loginTimeout: Duration = .zero) {
        self.timeout = timeout
        self.loginTimeout = loginTimeout
    }

    /// The sweeper of `eventLoop`; call on that loop.
    func sweeper(on eventLoop: any EventLoop) -> IdleSweeper {
        eventLoop.preconditionInEventLoop()
        let key = ObjectIdentifier(eventLoop)
        if let bound = sweepers.withLock({ $0[key] }) { return bound.value }
        let sweeper = IdleSweeper(eventLoop: eventLoop, timeout: timeout, loginTimeout: loginTimeout)
        sweepers.withLock { $0[key] = NIOLoopBound(sweeper, eventLoop: eventLoop) }
        return sweeper
    }

    /// Stops every sweeper (on its loop).
    func cancelAll() {
        for bound in sweepers.withLock({ Array($0.values) }) {
            bound.eventLoop.execute { bound.value.cancel() }
        }
    }
}
