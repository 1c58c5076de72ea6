import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// `/metrics`: the server's counters and gauges in Prometheus text format, through swift-metrics objects
/// made by a `PrometheusMetricsFactory` over a registry this server owns (no global bootstrap, so an
/// embedding process keeps its own metrics system).
///
/// Figures live in `ServerCounters`/the store; each scrape brings the metrics up to date (counters by
/// the delta since the last scrape) and emits the registry.
final class MetricsExporter: Sendable {
    private let core: ServerContext
    private let registry = PrometheusCollectorRegistry()
    private let counters: [(CoreMetrics.Counter, @Sendable (ServerContext) -> Int)]
    private let gauges: [(CoreMetrics.Gauge, @Sendable (ServerContext, ProcessStats) -> Double)]
    private let lastCounts: Mutex<[Int]>

    init(core: ServerContext) {
        self.core = core
        let factory = PrometheusMetricsFactory(registry: registry)
        func counter(
            _ name: String,
            _ dimensions: [(String, String)] = [],
            _ read: @escaping @Sendable (ServerContext) -> Int
        ) -> (
            CoreMetrics.Counter, @Sendable (ServerContext) -> Int
        ) {
            (CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory), read)
        }
        func gauge(
            _ name: String,
            _ dimensions: [(String, String)] = [],
            _ read: @escaping @Sendable (ServerContext, ProcessStats) -> Double
        ) -> (
            CoreMetrics.Gauge, @Sendable (ServerContext, ProcessStats) -> Double
        ) {
            (CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory), read)
        }
        // Per transport, for the listeners configured.
        let transports = IMTransport.allCases.filter { core.configuration.listenAddress($0) != nil }
        counters =
            [
                counter("im_accepted_connections_total") { $0.counters.accepted.value },
                counter("im_in_messages_total") { $0.counters.inMessages.value },
                counter("im_out_messages_total") { $0.counters.outMessages.value },
                counter("im_logins_total") { $0.counters.loginsSucceeded.value },
                counter("im_login_failures_total") { $0.counters.loginsFailed.value },
                counter("im_protocol_errors_total") { $0.counters.protocolErrors.value },
                counter("im_idle_closed_total") { $0.counters.idleClosed.value },
                counter("im_dropped_pushes_total") { $0.counters.droppedPushes.value },
                counter("im_slow_consumers_closed_total") { $0.counters.slowConsumersClosed.value },
                counter("im_refused_messages_total") { $0.counters.refusedMessages.value },
                counter("im_store_failures_total") { $0.counters.storeFailures.value },
                counter("im_syncs_total") { $0.counters.syncs.value },
                counter("im_synced_messages_total") { $0.counters.syncedMessages.value },
                counter("im_accept_errors_total") { $0.counters.acceptErrors.value },
                counter("im_store_appends_total") { Int($0.store.statistics.appends) },
                counter("im_store_fsyncs_total") { Int($0.store.statistics.fsyncs) },
                counter("im_tls_handshake_failures_total") { $0.counters.tlsHandshakeFailures.value },
                counter("im_push_jobs_queued_total") { $0.messages.push?.stats.queued ?? 0 },
                counter("im_push_jobs_sent_total") { $0.messages.push?.stats.sent ?? 0 },
                counter("im_push_failures_total") { $0.messages.push?.stats.failed ?? 0 },
                counter("im_push_jobs_expired_total") { $0.messages.push?.stats.expired ?? 0 },
                counter("im_push_jobs_dropped_total") { $0.messages.push?.stats.dropped ?? 0 },
            ]
            + transports.map { transport in
                counter("im_transport_accepted_connections_total", [("transport", transport.rawValue)]) {
                    $0.counters.transport(transport).accepted.value
                }
            }
        gauges =
            [
                gauge("im_connections") { core, _ in Double(core.counters.connections.value) },
                gauge("im_clients") { core, _ in Double(core.local.sessions.counts().clients) },
                gauge("im_users_online") { core, _ in Double(core.local.sessions.counts().users) },
                gauge("im_store_messages") { core, _ in Double(core.store.statistics.messages) },
                gauge("im_store_bytes") { core, _ in Double(core.store.statistics.bytes) },
                gauge("im_store_queues") { core, _ in Double(core.store.statistics.queues) },
                gauge("im_store_fsync_average_seconds") { core, _ in core.store.statistics.averageFsyncMicroseconds / 1e6 },
                gauge("process_resident_memory_bytes") { _, process in Double(process.residentBytes) },
                gauge("process_cpu_seconds_total") { _, process in process.cpuSeconds },
                gauge("process_open_fds") { _, process in Double(process.openFiles) },
                gauge("im_uptime_seconds") { core, _ in Double(Date().timeIntervalSince(core.startedAt)) },
                gauge("im_push_jobs_pending") { core, _ in Double(core.messages.push?.stats.pending ?? 0) },
                gauge("im_push_oldest_job_age_seconds") { core, _ in core.messages.push?.stats.oldestAgeSeconds ?? 0 },
            ]
            + transports.map { transport in
                gauge("im_transport_connections", [("transport", transport.rawValue)]) { core, _ in
                    Double(core.counters.transport(transport).connections.value)
                }
            }
        lastCounts = Mutex(Array(repeating: 0, count: counters.count))
    }

    /// The current figures in Prometheus text format.
    func scrape() -> [UInt8] {
        let now = counters.map { $0.1(core) }
        lastCounts.withLock { last in
            for (index, value) in now.enumerated() where value > last[index] {
                counters[index].0.increment(by: value - last[index])
                last[index] = value
            }
        }
        // /proc is read once per scrape, not once per process gauge.
        let process = ProcessStats.current()
        for (gauge, read) in gauges { gauge.record(read(core, process)) }
        return registry.emitToBuffer()
    }
}
