import Foundation
import IMCore
import NIOCore

/// The part every message scenario shares: start the senders, show progress, stop, drain ACKs and
/// pushes, collect, sync what push missed, and count lost, duplicated and reordered messages.
struct MessageRun {
    let context: ScenarioContext
    /// Connections that receive each sent message (peer 1; multidevice every device; offline 0 during the run).
    let fanout: Int

    /// What the send phase measured.
    struct Timing {
        var start: UInt64
        var measureFrom: UInt64
        var sendEnd: UInt64
        var atMeasureFrom = LiveCounters.Snapshot()
        var atSendEnd = LiveCounters.Snapshot()
        var generatorCPU: Double = 0
        var processCPU: Double = 0
    }

    /// Sends under the configured load model until the duration or message count is reached, then waits
    /// for ACKs and pushes (bounded by the drain timeout).
    func send(senders: [ConnectionSpec]) async -> Timing {
        let configuration = context.configuration
        let generator = context.generator
        // Closed-loop senders start at once; open-loop schedules start a little ahead, so every loop's
        // ticker is running before the first message is due.
        let isOpen = if case .open = configuration.load { true } else { false }
        let start = BenchClock.now() + (isOpen ? 50_000_000 : 0)
        let durationNs = BenchParsing.nanoseconds(configuration.duration)
        let warmupNs = BenchParsing.nanoseconds(configuration.warmup)
        let perSender = configuration.messages.map { max(1, ($0 + senders.count - 1) / max(1, senders.count)) }
        let plan = SendPlan(
            model: configuration.load,
            start: start,
            end: start + durationNs,
            measureFrom: start + warmupNs,
            messagesPerSender: perSender,
            senderCount: senders.count,
            contentSize: configuration.contentSize
        )
        var timing = Timing(start: start, measureFrom: plan.measureFrom, sendEnd: plan.end)
        if let stall = configuration.injectedStall, let proxy = context.proxy {
            let from = start + BenchParsing.nanoseconds(stall.after)
            let length = BenchParsing.nanoseconds(stall.length)
            proxy.stall(from: from, until: from + length)
        }
        let cpuStart = generator.cpuSeconds
        let processStart = ThreadCPU.processSeconds()
        await generator.start(plan)
        let live = generator.live
        var tracker = ProgressTracker(context: context, start: start)
        var measured = warmupNs == 0
        if measured { timing.atMeasureFrom = live.snapshot() }
        // Sending. A closed loop stops at the end of the duration; an open loop sends every message whose
        // intended time falls in it, however late (a generator that fell behind shows as late sends, not as
        // fewer messages), bounded by the drain timeout.
        let sendDeadline = plan.end + (isOpen ? BenchParsing.nanoseconds(configuration.drainTimeout) : 100_000_000)
        while true {
            let now = BenchClock.now()
            if !measured && now >= plan.measureFrom {
                measured = true
                timing.atMeasureFrom = live.snapshot()
            }
            let snapshot = live.snapshot()
            if snapshot.finishedSenders >= senders.count || now >= sendDeadline { break }
            var next = min(tracker.nextLine, sendDeadline)
            if !measured { next = min(next, plan.measureFrom) }
            try? await Task.sleep(for: .nanoseconds(Int64(min(next - min(next, now), 100_000_000)) + 1))
            await tracker.tick(phase: "sending")
        }
        timing.sendEnd = min(BenchClock.now(), plan.end)
        timing.atSendEnd = live.snapshot()
        if !measured {
            // Every message went out before the warm-up ended: measure from the start instead.
            timing.measureFrom = start
            timing.atMeasureFrom = LiveCounters.Snapshot()
        }
        let wall = Double(BenchClock.now() - start) / 1e9
        timing.generatorCPU = (generator.cpuSeconds - cpuStart) / max(wall, 0.001)
        timing.processCPU = (ThreadCPU.processSeconds() - processStart) / max(wall, 0.001)
        await generator.stopSending()
        // Draining: outstanding ACKs, then pushes.
        let drainEnd = BenchClock.now() + BenchParsing.nanoseconds(configuration.drainTimeout)
        while BenchClock.now() < drainEnd {
            let snapshot = live.snapshot()
            if snapshot.acked + snapshot.refused >= snapshot.sent { break }
            try? await Task.sleep(for: .milliseconds(10))
            await tracker.tick(phase: "draining")
        }
        var lastDelivered = -1
        var lastChange = BenchClock.now()
        while fanout > 0 && BenchClock.now() < drainEnd {
            let snapshot = live.snapshot()
            if snapshot.delivered >= snapshot.acked * fanout { break }
            if snapshot.delivered != lastDelivered {
                lastDelivered = snapshot.delivered
                lastChange = BenchClock.now()
            } else if BenchClock.now() - lastChange > 2_000_000_000 {
                break  // Pushes stopped coming: the final sync finds the rest (or counts them lost).
            }
            try? await Task.sleep(for: .milliseconds(10))
            await tracker.tick(phase: "draining")
        }
        return timing
    }

    /// Fills the report's figures from the loops' results and the timing; syncs the recipients that
    /// missed pushes (`recipients`: the connections that expect messages) and counts what is lost.
    ///
    /// - Parameters:
    ///   - syncAll: sync every recipient, not only those that missed something (offline).
    ///   - canSync: false when nothing is stored (rooms): what push missed is lost.
    func finish(
        timing: Timing,
        senders: [ConnectionSpec],
        recipients: [ConnectionSpec],
        syncAll: Bool = false,
        canSync: Bool = true
    ) async {
        let results = await context.generator.collect()
        var report = context.report
        var histograms = [LatencyHistogram](repeating: LatencyHistogram(), count: BenchOperation.allCases.count)
        var connections: [Int: ConnectionResult] = [:]
        var ackedBySender: [Int64: SequenceSet] = [:]
        var spans: [DeliverySpan.Key: DeliverySpan] = [:]
        for shard in results {
            for (key, span) in shard.spans {
                if spans[key] == nil { spans[key] = span } else { spans[key]!.merge(span) }
            }
            for index in histograms.indices { histograms[index].add(shard.histograms[index]) }
            for (cause, count) in shard.errors { report.errors[cause, default: 0] += count }
            report.totals.lateSends += shard.lateSends
            for connection in shard.connections { connections[connection.index] = connection }
        }
        for connection in connections.values {
            report.totals.sent += connection.sent
            report.totals.acked += connection.acked.count
            report.totals.unacked += connection.unacked
        }
        for spec in senders {
            if let result = connections[spec.index] { ackedBySender[spec.user.uid] = result.acked }
        }
        report.totals.refused = context.generator.live.snapshot().refused
        if report.totals.unacked > 0 { report.errors["no ACK within the drain timeout"] = report.totals.unacked }

        // What each recipient got, then the final sync for those that missed something.
        var syncHistogram = LatencyHistogram()
        for spec in recipients {
            var receipts = connections[spec.index]?.receipts ?? [:]
            let missing = spec.expects.reduce(0) { total, sender in
                total
                    + (receipts[sender] ?? StreamReceipts()).missing(from: ackedBySender[sender] ?? SequenceSet()).count
            }
            if canSync && (missing > 0 || syncAll) {
                let started = BenchClock.now()
                do {
                    try await FinalSync.run(
                        host: context.host,
                        port: context.port,
                        transport: context.pipeline.transport,
                        user: spec.user,
                        deviceID: spec.deviceID,
                        superGroup: spec.superGroup,
                        into: &receipts
                    )
                    syncHistogram.record(nanoseconds: BenchClock.now() - started)
                } catch {
                    report.errors["final sync: \(BenchError.describe(error))", default: 0] += 1
                }
            }
            for sender in spec.expects {
                let stream = receipts[sender] ?? StreamReceipts()
                let expected = ackedBySender[sender] ?? SequenceSet()
                report.totals.expected += expected.count
                report.totals.delivered += stream.received
                report.totals.recoveredBySync += stream.recovered
                report.totals.duplicated += stream.duplicates
                report.totals.reordered += stream.reordered
                report.totals.lost += stream.missing(from: expected).count
            }
        }
        histograms[BenchOperation.sync.index].add(syncHistogram)
        // Fan-out: when each message reached its first and its last recipient (by push).
        var partial = 0
        for span in spans.values where span.count > 0 {
            histograms[BenchOperation.firstDelivery.index].record(nanoseconds: span.first &- span.sentAt)
            histograms[BenchOperation.lastDelivery.index].record(nanoseconds: span.last &- span.sentAt)
            if span.count < fanout { partial += 1 }
        }
        if partial > 0 {
            report.notes.append(
                "\(partial) messages reached fewer than all \(fanout) recipients by push: last_delivery covers those that did"
            )
        }
        for operation in BenchOperation.allCases where histograms[operation.index].count > 0 {
            report.operations[operation.rawValue] = histograms[operation.index].summary
        }
        let seconds = Double(timing.sendEnd - min(timing.sendEnd, timing.measureFrom)) / 1e9
        report.measuredSeconds = seconds
        if seconds > 0 {
            report.throughput.sentPerSecond = Double(timing.atSendEnd.sent - timing.atMeasureFrom.sent) / seconds
            report.throughput.ackedPerSecond = Double(timing.atSendEnd.acked - timing.atMeasureFrom.acked) / seconds
            report.throughput.deliveredPerSecond =
                Double(timing.atSendEnd.delivered - timing.atMeasureFrom.delivered) / seconds
        }
        let threads = Double(context.generator.threadIDs.count)
        report.generator.threads = Int(threads)
        report.generator.cpuPercent = timing.generatorCPU / threads * 100
        report.generator.saturated = report.generator.cpuPercent >= 90
        report.generator.processCpuPercent = timing.processCPU * 100
        if case .open = context.configuration.load {
            report.totals.lateSendBoundMicroseconds = Int(SendLateness().bound / 1000)
            let measuredSends = timing.atSendEnd.sent - timing.atMeasureFrom.sent
            if measuredSends > 0 && report.totals.lateSends * 100 > measuredSends {
                report.notes.append(
                    "the generator fell behind: \(report.totals.lateSends) of \(measuredSends) sends left more than "
                        + "\(Format.micros(SendLateness().bound / 1000)) after their intended time; latencies include "
                        + "that lag (see send_lag); more --threads or a quieter machine may help"
                )
            }
        }
        if report.totals.lost > 0 {
            report.notes.append("lost = ACKed with status 0 but neither pushed nor returned by a sync from key 0")
        }
        context.report = report
    }
}

/// Prints a progress line once a second and samples the server.
struct ProgressTracker {
    let context: ScenarioContext
    let start: UInt64
    private(set) var nextLine: UInt64
    private var last: LiveCounters.Snapshot
    private var lastTime: UInt64
    private var lastSample: SummarySampler.Sample?

    init(context: ScenarioContext, start: UInt64) {
        self.context = context
        self.start = start
        self.nextLine = start + 1_000_000_000
        self.last = context.generator.live.snapshot()
        self.lastTime = start
    }

    mutating func tick(phase: String) async {
        let now = BenchClock.now()
        guard now >= nextLine else { return }
        nextLine += 1_000_000_000
        let snapshot = context.generator.live.snapshot()
        let seconds = Double(now - lastTime) / 1e9
        let rates = (
            sent: Double(snapshot.sent - last.sent) / seconds,
            acked: Double(snapshot.acked - last.acked) / seconds,
            delivered: Double(snapshot.delivered - last.delivered) / seconds
        )
        last = snapshot
        lastTime = now
        let interval = await context.generator.takeInterval()
        var server: ServerLoad?
        if let sample = await context.sampleServer() {
            server = ServerLoad.between(lastSample, sample)
            lastSample = sample
        }
        context.progress.show(
            elapsed: Double(now - start) / 1e9,
            phase: phase,
            rates: rates,
            counters: snapshot,
            interval: interval,
            server: server
        )
    }
}
