import Foundation
import Synchronization

/// Between the screen's thread and the task that samples (or replays): polls to show, the pacing the
/// operator chose, pause, and why to stop.
package final class ScreenFeed: Sendable {
    package enum Stop: Sendable, Equatable {
        /// SIGINT, SIGTERM or SIGHUP.
        case signal(Int32)
        /// The sampler could not go on (a record file that cannot be written).
        case failed(String)
    }

    private struct State {
        var polls: [Poll] = []
        var pacing: Double
        var paused = false
        var finished = false
        var stop: Stop?
    }

    private let state: Mutex<State>

    /// - Parameter pacing: the refresh interval (live) or the replay speed.
    package init(pacing: Double) {
        state = Mutex(State(pacing: pacing))
    }

    package func push(_ poll: Poll) { state.withLock { $0.polls.append(poll) } }

    /// The polls that arrived since the last call.
    package func take() -> [Poll] {
        state.withLock { state in
            defer { state.polls.removeAll() }
            return state.polls
        }
    }

    package var pacing: Double {
        get { state.withLock { $0.pacing } }
        set { state.withLock { $0.pacing = newValue } }
    }

    package var paused: Bool {
        get { state.withLock { $0.paused } }
        set { state.withLock { $0.paused = newValue } }
    }

    /// A replay has shown its last poll.
    package var finished: Bool { state.withLock { $0.finished } }

    package func finish() { state.withLock { $0.finished = true } }

    package func stop(_ reason: Stop) { state.withLock { $0.stop = $0.stop ?? reason } }

    package var stopReason: Stop? { state.withLock { $0.stop } }

    /// Samples every server every `pacing` seconds until cancelled (a change of pacing applies at once).
    package func sampleLive(_ poller: ClusterPoller, recorder: RecordWriter?) async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let poll = await poller.poll()
            do {
                try recorder?.write(poll)
            } catch {
                stop(.failed(error.message))
                return
            }
            push(poll)
            while !Task.isCancelled, ContinuousClock.now < started + .seconds(pacing) {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Feeds a recording at its recorded pace times the speed (`pacing`); waits while paused. A gap longer
    /// than ten recorded intervals (imtop was not running) is shortened to that.
    package func replay(_ reader: RecordReader) async {
        var reader = reader
        defer { reader.close() }
        var previous: Double?
        do {
            while !Task.isCancelled, let poll = try reader.next() {
                if let previous {
                    var remaining = min(max(0, poll.time - previous), reader.interval * 10)
                    while remaining > 0, !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(20))
                        if !paused { remaining -= 0.02 * pacing }
                    }
                }
                while paused, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
                push(poll)
                previous = poll.time
            }
            finish()
        } catch {
            stop(.failed(error.message))
        }
    }
}
