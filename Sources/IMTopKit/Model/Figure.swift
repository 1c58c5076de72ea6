/// A figure the dashboard shows, thresholds check and `--json` reports, computed from a node's samples.
///
/// The raw value is the name used on the command line (`--warn fsync_ms=20`) and in JSON.
package enum Figure: String, CaseIterable, Sendable {
    case connections, clients, users
    case inRate = "in_rate"
    case outRate = "out_rate"
    case appendRate = "append_rate"
    case fsync = "fsync_ms"
    case cpu = "cpu_pct"
    case rss = "rss_bytes"
    case openFiles = "open_files_pct"
    case threads
    case loginRate = "login_rate"
    case loginFailedRate = "login_failed_rate"
    case droppedRate = "dropped_rate"
    case refusedRate = "refused_rate"
    case storeFailureRate = "store_failure_rate"
    case protocolErrorRate = "protocol_error_rate"
    case slowClosedRate = "slow_closed_rate"
    case syncRate = "sync_rate"
    case replicaLag = "replica_lag_ms"

    package enum Unit: Sendable {
        case count, perSecond, milliseconds, bytes, percent
    }

    /// How the cluster's figure is formed from the nodes' (up nodes only).
    package enum Aggregation: Sendable {
        case sum, max, mean
        /// Total fsync time over total fsyncs: a node with more fsyncs weighs more.
        case fsyncWeighted
    }

    package var unit: Unit {
        switch self {
        case .connections, .clients, .users, .threads: .count
        case .fsync, .replicaLag: .milliseconds
        case .cpu, .openFiles: .percent
        case .rss: .bytes
        default: .perSecond
        }
    }

    package var aggregation: Aggregation {
        switch self {
        case .fsync: .fsyncWeighted
        case .cpu: .mean
        case .openFiles, .replicaLag: .max
        default: .sum
        }
    }

    /// For rates: the counter they are computed from.
    package var counter: SummaryField? {
        switch self {
        case .inRate: .inMessages
        case .outRate: .outMessages
        case .appendRate: .storeAppends
        case .loginRate: .logins
        case .loginFailedRate: .loginFailures
        case .droppedRate: .droppedPushes
        case .refusedRate: .refusedMessages
        case .storeFailureRate: .storeFailures
        case .protocolErrorRate: .protocolErrors
        case .slowClosedRate: .slowConsumersClosed
        case .syncRate: .syncs
        default: nil
        }
    }

    /// What `h` and `--help` say about it.
    package var meaning: String {
        switch self {
        case .connections: "open client sockets"
        case .clients: "logged-in connections"
        case .users: "distinct users online (summed over nodes: a user on two nodes counts twice)"
        case .inRate: "messages received per second (in_message_count)"
        case .outRate: "messages written to clients per second (out_message_count)"
        case .appendRate: "durable store appends per second"
        case .fsync: "average fsync latency over the interval, ms"
        case .cpu: "CPU use over the interval, % of the node's cores"
        case .rss: "resident memory, bytes"
        case .openFiles: "open files, % of the process limit"
        case .threads: "threads (GoBelieve's goroutine_count)"
        case .loginRate: "successful logins per second"
        case .loginFailedRate: "failed logins per second"
        case .droppedRate: "real-time pushes dropped for clients not reading, per second"
        case .refusedRate: "messages refused with a non-zero ACK status, per second"
        case .storeFailureRate: "messages the store failed to keep, per second"
        case .protocolErrorRate: "connections closed for protocol errors, per second"
        case .slowClosedRate: "connections closed as slow consumers, per second"
        case .syncRate: "sync requests served per second"
        case .replicaLag: "a replication primary's furthest-behind replica: the age of the oldest message it lacks, ms"
        }
    }

    /// The figure's value for one node now, from its latest summary and (for rates) the one before.
    ///
    /// - Parameters:
    ///   - previous: the last summary of the same process, nil on the first sample or after a restart.
    ///   - elapsed: seconds between the two.
    static func value(_ figure: Figure, now: NodeSummary, previous: NodeSummary?, elapsed: Double) -> Double? {
        func delta(_ field: SummaryField) -> Double? {
            guard let previous, elapsed > 0, let new = now[field], let old = previous[field], new >= old else {
                return nil
            }
            return new - old
        }
        switch figure {
        case .connections: return now[.connections]
        case .clients: return now[.clients]
        case .users: return now[.users]
        case .threads: return now[.threads]
        case .rss: return now[.rssBytes]
        case .replicaLag: return now[.replicaLagSeconds].map { $0 * 1000 }
        case .openFiles:
            guard let open = now[.openFiles], let limit = now[.maxOpenFiles], limit > 0 else { return nil }
            return open / limit * 100
        case .cpu:
            return delta(.cpuSeconds).map { $0 / elapsed * 100 / max(1, now[.cpuCount] ?? 1) }
        case .fsync:
            guard let count = delta(.storeFsyncs), count > 0, let micros = delta(.storeFsyncMicroseconds) else {
                return nil
            }
            return micros / count / 1000
        default:
            return figure.counter.flatMap(delta).map { $0 / elapsed }
        }
    }

    /// The figure's average since the node's process started, where the summary allows it.
    static func sinceStart(_ figure: Figure, _ summary: NodeSummary) -> Double? {
        switch figure {
        case .fsync:
            guard let count = summary[.storeFsyncs], count > 0 else { return nil }
            return summary[.storeAverageFsyncMicroseconds].map { $0 / 1000 }
        case .cpu:
            guard let uptime = summary[.uptimeSeconds], uptime > 0, let cpu = summary[.cpuSeconds] else { return nil }
            return cpu / uptime * 100 / max(1, summary[.cpuCount] ?? 1)
        default:
            guard let counter = figure.counter, let total = summary[counter], let uptime = summary[.uptimeSeconds],
                uptime > 0
            else { return nil }
            return total / uptime
        }
    }
}
