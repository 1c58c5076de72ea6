import CoreMetrics
import IMAdminAPI
import Prometheus
import Synchronization

/// `/metrics`: the figures of `/summary` (`SummaryBuilder.figures`) in Prometheus text format, through
/// swift-metrics objects made by a `PrometheusMetricsFactory` over a registry this server owns (no global
/// bootstrap, so an embedding process keeps its own metrics system).
///
/// Each scrape builds the figures once and brings the metrics up to date (counters by the delta since the
/// last scrape), then emits the registry.
final class MetricsExporter: Sendable {
    /// Reads one figure; nil when the summary does not have it (push figures without a webhook).
    typealias Read<Value> = @Sendable (IMSummary) -> Value?

    private let core: ServerContext
    private let registry = PrometheusCollectorRegistry()
    private let counters: [(CoreMetrics.Counter, Read<Int64>)]
    private let gauges: [(CoreMetrics.Gauge, Read<Double>)]
    private let lastCounts: TracedMutex<[Int64]>

    init(core: ServerContext) {
        self.core = core
        let metrics = Factory(PrometheusMetricsFactory(registry: registry))
        // Per transport, for the listeners configured.
        let transports = IMTransport.allCases.filter { core.configuration.listenAddress($0) != nil }.map(\.rawValue)
        counters = Self.counters(metrics, transports: transports)
        gauges = Self.gauges(metrics, transports: transports)
        lastCounts = TracedMutex(Array(repeating: 0, count: counters.count))
    }

    /// Makes each metric with its reader.
    private struct Factory {
        let factory: PrometheusMetricsFactory

        init(_ factory: PrometheusMetricsFactory) {
            self.factory = factory
        }

        func counter(
            _ name: String,
            _ dimensions: [(String, String)] = [],
            _ read: @escaping Read<Int64>
        ) -> (
            CoreMetrics.Counter, Read<Int64>
        ) {
            (CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory), read)
        }

        func gauge(
            _ name: String,
            _ dimensions: [(String, String)] = [],
            _ read: @escaping Read<Double>
        ) -> (
            CoreMetrics.Gauge, Read<Double>
        ) {
            (CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory), read)
        }
    }

    /// The counters: figures that only grow while the server runs.
    private static func counters(_ metrics: Factory, transports: [String]) -> [(CoreMetrics.Counter, Read<Int64>)] {

        [
            metrics.counter("im_accepted_connections_total") { $0.acceptedCount },
            metrics.counter("im_in_messages_total") { $0.inMessageCount },
            metrics.counter("im_out_messages_total") { $0.outMessageCount },
            metrics.counter("im_logins_total") { $0.loginCount },
            metrics.counter("im_login_failures_total") { $0.loginFailedCount },
            metrics.counter("im_protocol_errors_total") { $0.protocolErrorCount },
            metrics.counter("im_idle_closed_total") { $0.idleClosedCount },
            metrics.counter("im_dropped_pushes_total") { $0.droppedPushCount },
            metrics.counter("im_slow_consumers_closed_total") { $0.slowConsumerClosedCount },
            metrics.counter("im_refused_messages_total") { $0.refusedMessageCount },
            metrics.counter("im_store_failures_total") { $0.storeFailureCount },
            metrics.counter("im_syncs_total") { $0.syncCount },
            metrics.counter("im_synced_messages_total") { $0.syncedMessageCount },
            metrics.counter("im_accept_errors_total") { $0.acceptErrorCount },
            metrics.counter("im_store_appends_total") { $0.store?.appends },
            metrics.counter("im_store_fsyncs_total") { $0.store?.fsyncs },
            metrics.counter("im_tls_handshake_failures_total") { $0.tlsHandshakeFailureCount },
            metrics.counter("im_push_jobs_queued_total") { $0.push?.queued },
            metrics.counter("im_push_jobs_sent_total") { $0.push?.sent },
            metrics.counter("im_push_failures_total") { $0.push?.failed },
            metrics.counter("im_push_jobs_expired_total") { $0.push?.expired },
            metrics.counter("im_push_jobs_dropped_total") { $0.push?.dropped },
            metrics.counter("im_postgres_statements_total") { $0.postgres?.statements },
            metrics.counter("im_postgres_errors_total") { $0.postgres?.errors },
            metrics.counter("im_postgres_state_changes_total") { $0.postgres?.stateChanges },
            metrics.counter("im_cluster_notifications_sent_total") { $0.cluster?.notificationsSent },
            metrics.counter("im_cluster_notifications_received_total") { $0.cluster?.notificationsReceived },
            metrics.counter("im_cluster_bus_misses_total") { $0.cluster?.busMisses },
        ]
            + RefusalCause.allCases.map { cause in
                metrics.counter("im_refused_total", [("cause", cause.rawValue)]) { $0.refused?[cause.rawValue] }
            }
            + transports.map { transport in
                metrics.counter("im_transport_accepted_connections_total", [("transport", transport)]) {
                    $0.transports?[transport]?.accepted
                }
            }
    }

    /// The gauges: figures read as they are now.
    private static func gauges(_ metrics: Factory, transports: [String]) -> [(CoreMetrics.Gauge, Read<Double>)] {

        [
            metrics.gauge("im_connections") { $0.connectionCount.map(Double.init) },
            metrics.gauge("im_clients") { $0.clientCount.map(Double.init) },
            metrics.gauge("im_users_online") { $0.clientsetCount.map(Double.init) },
            metrics.gauge("im_store_messages") { $0.store?.messages.map(Double.init) },
            metrics.gauge("im_store_bytes") { $0.store?.bytes.map(Double.init) },
            metrics.gauge("im_store_queues") { $0.store?.queues.map(Double.init) },
            metrics.gauge("im_store_fsync_average_seconds") { $0.store?.averageFsyncMicroseconds.map { $0 / 1e6 } },
            metrics.gauge("process_resident_memory_bytes") { $0.process?.rssBytes.map(Double.init) },
            metrics.gauge("process_cpu_seconds_total") { $0.process?.cpuSeconds },
            metrics.gauge("process_open_fds") { $0.process?.openFiles.map(Double.init) },
            metrics.gauge("im_uptime_seconds") { $0.uptimeSeconds.map(Double.init) },
            metrics.gauge("im_push_jobs_pending") { Double($0.push?.pending ?? 0) },
            metrics.gauge("im_push_oldest_job_age_seconds") { $0.push?.oldestAgeSeconds ?? 0 },
            metrics.gauge("im_postgres_up") { $0.postgres?.state.map { $0 == "up" ? 1 : 0 } },
            metrics.gauge("im_postgres_statements_in_flight") { $0.postgres?.inFlight.map(Double.init) },
            metrics.gauge("im_cluster_nodes_live") { $0.cluster?.nodesLive.map(Double.init) },
            metrics.gauge("im_cluster_bus_lag_seconds") { $0.cluster?.busLagMilliseconds.map { $0 / 1000 } },
            metrics.gauge("im_replication_is_replica") { $0.replication.map { $0.role == "replica" ? 1 : 0 } },
            metrics.gauge("im_replication_replicas") { $0.replication?.replicas.map { Double($0.count) } },
            metrics.gauge("im_replication_lag_records") { $0.replication?.replicas?.compactMap(\.lagRecords).max().map(Double.init) },
            metrics.gauge("im_replication_lag_bytes") { $0.replication?.replicas?.compactMap(\.lagBytes).max().map(Double.init) },
            metrics.gauge("im_replication_lag_seconds") { $0.replication?.replicas?.compactMap(\.lagSeconds).max() },
            metrics.gauge("im_replication_primary_connected") { $0.replication?.primary?.connected.map { $0 ? 1 : 0 } },
        ]
            + transports.map { transport in
                metrics.gauge("im_transport_connections", [("transport", transport)]) {
                    $0.transports?[transport]?.connections.map(Double.init)
                }
            }
    }

    /// The current figures in Prometheus text format.
    func scrape() -> String {
        let summary = SummaryBuilder.figures(core)
        let now = counters.map { $0.1(summary) ?? 0 }
        lastCounts.withLock { last in
            for (index, value) in now.enumerated() where value > last[index] {
                counters[index].0.increment(by: Int(value - last[index]))
                last[index] = value
            }
        }
        for (gauge, read) in gauges { gauge.record(read(summary) ?? 0) }
        return String(decoding: registry.emitToBuffer(), as: UTF8.self)
    }
}
