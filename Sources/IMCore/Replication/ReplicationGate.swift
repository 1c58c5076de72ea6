import Synchronization

/// `replication = "sync"`: appends that are durable here wait for `minReplicas` replicas to have them
/// durably before they complete (and the client gets its ACK); past `timeout` they fail (ACK 68), so
/// nothing is ACKed that a replica could not have.
final class ReplicationGate: Sendable {
    fileprivate struct Held {
        var end: LogPosition
        var deadline: ContinuousClock.Instant
        var completions: [LogStore.PendingBatch.Completion]
    }

    fileprivate struct State {
        var held: [Held] = []
        var first = 0
        /// The position `minReplicas` replicas have reached.
        var confirmed = LogPosition(packed: 0)
    }

    let minReplicas: Int
    let timeout: Duration
    private let state = TracedMutex(State())

    init(minReplicas: Int, timeout: Duration) {
        self.minReplicas = minReplicas
        self.timeout = timeout
    }

    /// A batch ending at `end` is durable here (the writer thread): completes it at once if enough
    /// replicas have it already, else holds it.
    func hold(_ completions: [LogStore.PendingBatch.Completion], end: LogPosition) {
        let now = ContinuousClock.now
        let immediate = state.withLock { s -> Bool in
            if s.confirmed >= end && s.first == s.held.count { return true }
            s.held.append(Held(end: end, deadline: now + timeout, completions: completions))
            return false
        }
        if immediate { Self.succeed(completions) }
    }

    /// `minReplicas` replicas have the log durably up to `position`: completes what they hold.
    func confirm(_ position: LogPosition) {
        let released = state.withLock { s -> [Held] in
            let confirmed = max(s.confirmed, position)
            s.confirmed = confirmed
            return s.take { $0.end <= confirmed }
        }
        for held in released { Self.succeed(held.completions) }
    }

    /// Fails what has waited past `timeout` (a timer calls it).
    func expire(now: ContinuousClock.Instant = .now) {
        let expired = state.withLock { s in s.take { $0.deadline <= now } }
        guard !expired.isEmpty else { return }
        let error = StoreError(
            .notReplicated,
            "no \(minReplicas == 1 ? "replica" : "\(minReplicas) replicas") confirmed the message within replication_timeout (\(timeout))"
        )
        for held in expired {
            for completion in held.completions { completion.callback(.failure(error)) }
        }
    }

    /// Messages waiting for replicas now.
    var waiting: Int {
        state.withLock { s in s.held[s.first...].reduce(0) { $0 + $1.completions.count } }
    }

    private static func succeed(_ completions: [LogStore.PendingBatch.Completion]) {
        for completion in completions {
            completion.callback(.success(AppendReceipt(firstID: completion.firstID, previousIDs: completion.previousIDs)))
        }
    }
}

extension ReplicationGate.State {
    /// Removes and returns the oldest held batches while `condition` holds for them.
    fileprivate mutating func take(while condition: (ReplicationGate.Held) -> Bool) -> [ReplicationGate.Held] {
        var taken: [ReplicationGate.Held] = []
        while first < held.count, condition(held[first]) {
            taken.append(held[first])
            first += 1
        }
        if first > 1024 && first * 2 > held.count {
            held.removeFirst(first)
            first = 0
        }
        return taken
    }
}
