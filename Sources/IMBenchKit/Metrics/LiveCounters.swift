import Synchronization

/// Counters every event loop adds to and the progress display reads, once a second.
///
/// Relaxed atomics: each is one uncontended-enough add per message; the exact figures come from the
/// per-loop shards at the end.
final class LiveCounters: Sendable {
    let sent = Atomic<Int>(0)
    let acked = Atomic<Int>(0)
    let delivered = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    let connected = Atomic<Int>(0)
    let authenticated = Atomic<Int>(0)
    let failedConnections = Atomic<Int>(0)
    let closedConnections = Atomic<Int>(0)
    /// Open-loop sends that left later than `SendLateness.bound` after their intended time.
    let lateSends = Atomic<Int>(0)
    /// Senders that have sent everything they will send.
    let finishedSenders = Atomic<Int>(0)

    func snapshot() -> Snapshot {
        Snapshot(
            sent: sent.load(ordering: .relaxed),
            acked: acked.load(ordering: .relaxed),
            delivered: delivered.load(ordering: .relaxed),
            refused: refused.load(ordering: .relaxed),
            connected: connected.load(ordering: .relaxed),
            authenticated: authenticated.load(ordering: .relaxed),
            failedConnections: failedConnections.load(ordering: .relaxed),
            closedConnections: closedConnections.load(ordering: .relaxed),
            lateSends: lateSends.load(ordering: .relaxed),
            finishedSenders: finishedSenders.load(ordering: .relaxed)
        )
    }

    struct Snapshot: Sendable {
        var sent = 0
        var acked = 0
        var delivered = 0
        var refused = 0
        var connected = 0
        var authenticated = 0
        var failedConnections = 0
        var closedConnections = 0
        var lateSends = 0
        var finishedSenders = 0
    }
}
