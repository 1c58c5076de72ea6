import Foundation

/// The result of one run: what was run, on what, the figures, and whether it passed. Encoded as the
/// `--json` file (`schema` names its version; fields are only ever added within a version).
package struct BenchReport: Sendable, Codable {
    package static let schema = "imbench/1"

    package var schema = BenchReport.schema
    package var imbenchVersion = IMBenchVersion.current
    package var scenario: BenchScenarioKind
    package var config: Config
    package var machine = Machine.current
    package var startedAt = Date()
    /// Seconds from the first connection to the end of the final sync.
    package var elapsedSeconds: Double = 0
    /// Seconds the throughput figures are divided by (sending time after the warm-up).
    package var measuredSeconds: Double = 0
    /// Per operation, the latencies of operations started after the warm-up.
    package var operations: [String: LatencySummary] = [:]
    package var throughput = Throughput()
    package var totals = Totals()
    /// Errors by cause (connect failures, refused messages, closed connections, ...).
    package var errors: [String: Int] = [:]
    package var generator = Generator()
    package var server = Server()
    package var notes: [String] = []
    package var thresholds = BenchThresholds()
    package var outcome = Outcome()

    package init(scenario: BenchScenarioKind, config: Config) {
        self.scenario = scenario
        self.config = config
    }

    package struct Config: Sendable, Codable {
        package var target: String
        /// tcp, tls, ws or wss.
        package var transport: String
        package var fsync: String?
        package var clients: Int
        package var devices: Int?
        package var load: String
        package var window: Int?
        package var rate: Double?
        package var durationSeconds: Double
        package var messages: Int?
        package var warmupSeconds: Double
        package var contentSize: Int
        package var threads: Int
        package var connectRate: Double
        package var sources: [String]
        /// Group and room scenarios: connections that send.
        package var senders: Int? = nil
        /// Group scenario: members (connected or not), super or normal, and the group used.
        package var groupSize: Int? = nil
        package var superGroup: Bool? = nil
        package var groupID: Int64? = nil
        /// Room scenario: the room.
        package var roomID: Int64? = nil
    }

    package struct Machine: Sendable, Codable {
        package var host: String
        package var cores: Int
        package var os: String

        static var current: Machine {
            Machine(
                host: ProcessInfo.processInfo.hostName,
                cores: ProcessInfo.processInfo.activeProcessorCount,
                os: ProcessInfo.processInfo.operatingSystemVersionString
            )
        }
    }

    package struct Throughput: Sendable, Codable {
        package var sentPerSecond: Double = 0
        package var ackedPerSecond: Double = 0
        package var deliveredPerSecond: Double = 0
        package var connectionsPerSecond: Double = 0
    }

    package struct Totals: Sendable, Codable {
        package var connections = 0
        package var connectFailures = 0
        package var sent = 0
        package var acked = 0
        package var refused = 0
        /// Sent but not ACKed before the drain timeout.
        package var unacked = 0
        /// Deliveries expected: every ACKed message at every device that should get it.
        package var expected = 0
        /// Received by real-time push.
        package var delivered = 0
        /// Missed by push, found by the final sync.
        package var recoveredBySync = 0
        /// Neither pushed nor found by sync.
        package var lost = 0
        package var duplicated = 0
        package var reordered = 0
        /// Open loop: messages (intended after the warm-up) sent more than `lateSendBoundMicroseconds`
        /// after their intended time; the whole distribution is the `send_lag` operation.
        package var lateSends = 0
        /// Open loop: the lag beyond which a send is late (`SendLateness.bound`: the ticker's period plus
        /// 1 ms of slack).
        package var lateSendBoundMicroseconds: Int?
    }

    package struct Generator: Sendable, Codable {
        package var threads = 0
        /// The generator threads' CPU use, as a percentage of those threads' capacity.
        package var cpuPercent: Double = 0
        /// Set when the generator was near its capacity (≥ 90 %): the figures may be its limit, not the
        /// server's.
        package var saturated = false
        /// The whole process (an embedded server included), as a percentage of one core.
        package var processCpuPercent: Double = 0
        package var openFileLimit = 0
    }

    package struct Server: Sendable, Codable {
        package var address = ""
        package var embedded = false
        /// From `/summary` when the admin URL is known.
        package var rssBytesBefore: Int?
        package var rssBytesAfter: Int?
        package var rssBytesMax: Int?
        /// (RSS with the connections) − (RSS before them), per connection.
        package var bytesPerConnection: Double?
        /// CPU seconds the server used from the first sample to the last (an embedded server's are the
        /// process's minus the generator threads').
        package var cpuSeconds: Double?
        /// The same per second of the run, as a percentage of one core.
        package var cpuPercent: Double?
        /// The store's fsyncs during the run and their mean duration (what an ACK waits for with fsync
        /// `batch`).
        package var fsyncs: Int?
        package var fsyncMicroseconds: Double?
        package var droppedPushes: Int?
        package var samples: [[String: Double]]?
    }

    package struct Outcome: Sendable, Codable {
        package var passed = true
        package var exitCode: Int32 = 0
        package var failures: [String] = []
    }
}

/// imbench's version (the same as IMCore's).
package enum IMBenchVersion {
    package static let current = "0.1.0"
}

extension BenchReport {
    /// The JSON file's bytes (snake_case keys, sorted, ISO 8601 dates).
    package func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}
