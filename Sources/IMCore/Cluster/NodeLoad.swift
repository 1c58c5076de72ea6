import Synchronization

/// This node's load as heartbeats report it: connections now, and messages from clients and CPU seconds
/// per second since the previous sample.
final class NodeLoad: Sendable {
    struct Sample {
        var connections: Int64
        var messagesPerSecond: Double
        var cpu: Double
    }

    private struct Last {
        var at = ContinuousClock.now
        var messages = 0
        var cpuSeconds = ProcessStats.current().cpuSeconds
    }

    private let counters: ServerCounters
    private let last = TracedMutex(Last())

    init(counters: ServerCounters) {
        self.counters = counters
    }

    func sample() -> Sample {
        let now = ContinuousClock.now
        let cpu = ProcessStats.current().cpuSeconds
        let messages = counters.inMessages.load(ordering: .relaxed)
        let (perSecond, share) = last.withLock { last -> (Double, Double) in
            let elapsed = max(0.001, (now - last.at).seconds)
            defer { last = Last(at: now, messages: messages, cpuSeconds: cpu) }
            return (Double(messages - last.messages) / elapsed, (cpu - last.cpuSeconds) / elapsed)
        }
        return Sample(
            connections: Int64(counters.connections.load(ordering: .relaxed)),
            messagesPerSecond: (perSecond * 10).rounded() / 10,
            cpu: (share * 1000).rounded() / 1000
        )
    }
}
