import NIOCore

/// Everything one generator event loop records: histograms, error causes, late sends, and its senders.
///
/// Confined to its event loop, so recording is plain arithmetic; the runner reads it with
/// `eventLoop.submit`.
final class LoopShard {
    let eventLoop: any EventLoop
    let live: LiveCounters
    /// Latencies of operations that started at or after this time count in the figures (the warm-up ends).
    var measureFrom: UInt64 = 0
    /// When an open-loop send counts as late.
    let lateness = SendLateness()
    private(set) var totals = [LatencyHistogram](repeating: LatencyHistogram(), count: BenchOperation.allCases.count)
    private(set) var interval = [LatencyHistogram](
        repeating: LatencyHistogram(),
        count: BenchOperation.allCases.count
    )
    private(set) var errors: [String: Int] = [:]
    private(set) var lateSends = 0
    /// Fan-out scenarios: when each message (by sender and number) reached its first and last recipient
    /// on this loop; merged over loops at the end.
    var trackSpans = false
    private(set) var spans: [DeliverySpan.Key: DeliverySpan] = [:]
    var connections: [BenchConnection] = []
    private var ticker: Scheduled<Void>?
    private var tickSchedule: TickSchedule?

    init(eventLoop: any EventLoop, live: LiveCounters) {
        self.eventLoop = eventLoop
        self.live = live
    }

    @inline(__always)
    func record(_ operation: BenchOperation, started: UInt64, now: UInt64) {
        let latency = now &- started
        let index = operation.index
        interval[index].record(nanoseconds: latency)
        if started >= measureFrom { totals[index].record(nanoseconds: latency) }
    }

    /// A fan-out delivery of `sender`'s message `number`, intended at `sentAt`, pushed at `now`.
    @inline(__always)
    func recordSpan(sender: Int64, number: UInt32, sentAt: UInt64, now: UInt64) {
        guard trackSpans, sentAt >= measureFrom else { return }
        spans[DeliverySpan.Key(sender: sender, number: number), default: DeliverySpan(sentAt: sentAt)].add(now)
    }

    func countError(_ cause: String, _ count: Int = 1) {
        errors[cause, default: 0] += count
    }

    /// Records an open-loop send's lag (`send_lag`) and whether it was late; sends intended before the
    /// warm-up ended are left out, like every other figure.
    func recordSend(intended: UInt64, now: UInt64) {
        record(.sendLag, started: intended, now: max(now, intended))
        if intended >= measureFrom && lateness.isLate(intended: intended, sentAt: now) {
            lateSends += 1
            live.lateSends.add(1, ordering: .relaxed)
        }
    }

    /// Starts every sender of this loop; open-loop senders are then driven by a ticker every
    /// `lateness.tick`, on a fixed grid from the run's start.
    func start(_ plan: SendPlan) {
        measureFrom = plan.measureFrom
        var senders = 0
        for connection in connections where connection.start(plan) { senders += 1 }
        if case .open = plan.model, senders > 0 {
            tickSchedule = TickSchedule(start: plan.start, tick: lateness.tick)
            scheduleTick()
        }
    }

    private func scheduleTick() {
        guard let tickSchedule else { return }
        let now = BenchClock.now()
        let delay = tickSchedule.next(after: now) - now
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        ticker = eventLoop.scheduleTask(in: .nanoseconds(Int64(delay))) {
            bound.value.tick()
        }
    }

    private func tick() {
        let now = BenchClock.now()
        var active = 0
        for connection in connections where connection.tick(now: now) { active += 1 }
        if active > 0 { scheduleTick() } else { ticker = nil }
    }

    /// Sends a PING on every idle connection (the connections scenario's keep-alive and RTT probe).
    func pingAll() {
        let now = BenchClock.now()
        for connection in connections { connection.ping(now: now) }
    }

    /// The interval histograms since the last call (for the progress line).
    func takeInterval() -> [LatencyHistogram] {
        defer {
            interval = [LatencyHistogram](repeating: LatencyHistogram(), count: BenchOperation.allCases.count)
        }
        return interval
    }

    func stop() {
        ticker?.cancel()
        ticker = nil
        tickSchedule = nil
        for connection in connections { connection.stopSending() }
    }

    func result() -> ShardResult {
        ShardResult(
            histograms: totals,
            errors: errors,
            lateSends: lateSends,
            connections: connections.map { $0.result() },
            spans: spans
        )
    }
}

@available(*, unavailable)
extension LoopShard: Sendable {}

/// What one loop recorded, handed to the runner at the end.
struct ShardResult: Sendable {
    var histograms: [LatencyHistogram]
    var errors: [String: Int]
    var lateSends: Int
    var connections: [ConnectionResult]
    var spans: [DeliverySpan.Key: DeliverySpan] = [:]
}

/// When one fan-out message reached its first and last recipient, and how many got it by push.
struct DeliverySpan: Sendable {
    struct Key: Hashable, Sendable {
        var sender: Int64
        var number: UInt32
    }

    var sentAt: UInt64
    var first = UInt64.max
    var last: UInt64 = 0
    var count = 0

    mutating func add(_ time: UInt64) {
        first = min(first, time)
        last = max(last, time)
        count += 1
    }

    mutating func merge(_ other: DeliverySpan) {
        first = min(first, other.first)
        last = max(last, other.last)
        count += other.count
    }
}

/// What one connection sent and received.
struct ConnectionResult: Sendable {
    var index: Int
    var sent = 0
    /// The numbers of this sender's messages ACKed with status 0.
    var acked = SequenceSet()
    var unacked = 0
    /// By sender uid.
    var receipts: [Int64: StreamReceipts] = [:]
}

/// When and how the senders send: the same for every loop.
struct SendPlan: Sendable {
    var model: LoadModel
    /// The run's start (ns, `BenchClock`).
    var start: UInt64
    /// Nothing is intended at or after this.
    var end: UInt64
    var measureFrom: UInt64
    /// Messages per sender (nil: until `end`).
    var messagesPerSender: Int?
    var senderCount: Int
    var contentSize: Int
}

extension BenchOperation {
    var index: Int {
        switch self {
        case .connect: 0
        case .auth: 1
        case .ack: 2
        case .delivery: 3
        case .sync: 4
        case .ping: 5
        case .firstDelivery: 6
        case .lastDelivery: 7
        case .sendLag: 8
        }
    }
}
