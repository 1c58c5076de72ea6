import Foundation

/// The result of one run: what was run, on what, the figures, and whether it passed. Encoded as the
/// `--json` file (`schema` names its version; fields are only ever added within a version).
public struct BenchReport: Sendable, Codable {
    public static let schema = "imbench/1"

    public var schema = BenchReport.schema
    public var imbenchVersion = IMBenchVersion.current
    public var scenario: BenchScenarioKind
    public var config: Config
    public var machine = Machine.current
    public var startedAt = Date()
    /// Seconds from the first connection to the end of the final sync.
    public var elapsedSeconds: Double = 0
    /// Seconds the throughput figures are divided by (sending time after the warm-up).
    public var measuredSeconds: Double = 0
    /// Per operation, the latencies of operations started after the warm-up.
    public var operations: [String: LatencySummary] = [:]
    public var throughput = Throughput()
    public var totals = Totals()
    /// Errors by cause (connect failures, refused messages, closed connections, ...).
    public var errors: [String: Int] = [:]
    public var generator = Generator()
    public var server = Server()
    public var notes: [String] = []
    public var thresholds = BenchThresholds()
    public var outcome = Outcome()

    public init(scenario: BenchScenarioKind, config: Config) {
        self.scenario = scenario
        self.config = config
    }

    public struct Config: Sendable, Codable {
        public var target: String
        /// tcp, tls, ws or wss.
        public var transport: String
        public var fsync: String?
        public var clients: Int
        public var devices: Int?
        public var load: String
        public var window: Int?
        public var rate: Double?
        public var durationSeconds: Double
        public var messages: Int?
        public var warmupSeconds: Double
        public var contentSize: Int
        public var threads: Int
        public var connectRate: Double
        public var sources: [String]
        /// Group and room scenarios: connections that send.
        public var senders: Int? = nil
        /// Group scenario: members (connected or not), super or normal, and the group used.
        public var groupSize: Int? = nil
        public var superGroup: Bool? = nil
        public var groupID: Int64? = nil
        /// Room scenario: the room.
        public var roomID: Int64? = nil
    }

    public struct Machine: Sendable, Codable {
        public var host: String
        public var cores: Int
        public var os: String

        static var current: Machine {
            Machine(
                host: ProcessInfo.processInfo.hostName,
                cores: ProcessInfo.processInfo.activeProcessorCount,
                os: ProcessInfo.processInfo.operatingSystemVersionString
            )
        }
    }

    public struct Throughput: Sendable, Codable {
        public var sentPerSecond: Double = 0
        public var ackedPerSecond: Double = 0
        public var deliveredPerSecond: Double = 0
        public var connectionsPerSecond: Double = 0
    }

    public struct Totals: Sendable, Codable {
        public var connections = 0
        public var connectFailures = 0
        public var sent = 0
        public var acked = 0
        public var refused = 0
        /// Sent but not ACKed before the drain timeout.
        public var unacked = 0
        /// Deliveries expected: every ACKed message at every device that should get it.
        public var expected = 0
        /// Received by real-time push.
        public var delivered = 0
        /// Missed by push, found by the final sync.
        public var recoveredBySync = 0
        /// Neither pushed nor found by sync.
        public var lost = 0
        public var duplicated = 0
        public var reordered = 0
        /// Open loop: messages (intended after the warm-up) sent more than `lateSendBoundMicroseconds`
        /// after their intended time; the whole distribution is the `send_lag` operation.
        public var lateSends = 0
        /// Open loop: the lag beyond which a send is late (`SendLateness.bound`: the ticker's period plus
        /// 1 ms of slack).
        public var lateSendBoundMicroseconds: Int?
    }

    public struct Generator: Sendable, Codable {
        public var threads = 0
        /// The generator threads' CPU use, as a percentage of those threads' capacity.
        public var cpuPercent: Double = 0
        /// Set when the generator was near its capacity (≥ 90 %): the figures may be its limit, not the
        /// server's.
        public var saturated = false
        /// The whole process (an embedded server included), as a percentage of one core.
        public var processCpuPercent: Double = 0
        public var openFileLimit = 0
    }

    public struct Server: Sendable, Codable {
        public var address = ""
        public var embedded = false
        /// From `/summary` when the admin URL is known.
        public var rssBytesBefore: Int?
        public var rssBytesAfter: Int?
        public var rssBytesMax: Int?
        /// (RSS with the connections) − (RSS before them), per connection.
        public var bytesPerConnection: Double?
        /// CPU seconds the server used from the first sample to the last (an embedded server's are the
        /// process's minus the generator threads').
        public var cpuSeconds: Double?
        /// The same per second of the run, as a percentage of one core.
        public var cpuPercent: Double?
        /// The store's fsyncs during the run and their mean duration (what an ACK waits for with fsync
        /// `batch`).
        public var fsyncs: Int?
        public var fsyncMicroseconds: Double?
        public var droppedPushes: Int?
        public var samples: [[String: Double]]?
    }

    public struct Outcome: Sendable, Codable {
        public var passed = true
        public var exitCode: Int32 = 0
        public var failures: [String] = []
    }
}

/// imbench's version (the same as IMCore's).
public enum IMBenchVersion {
    public static let current = "0.1.0"
}

extension BenchReport {
    /// The JSON file's bytes (snake_case keys, sorted, ISO 8601 dates).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}
