/// A message store's figures (`GET /store/stats`, and `/summary`'s `store`): the same names whatever the
/// adapter, plus the adapter's own (`details`) in the same object.
///
/// Optional for the same reason as `IMSummary`'s figures: a reply is read leniently.
public struct IMStoreStatistics: Sendable, Equatable {
    /// One figure of an adapter's own.
    public enum Figure: Sendable, Equatable {
        /// A count: a JSON integer.
        case count(Int64)
        /// A measure: a JSON number (one without a fraction reads back as a count).
        case value(Double)
        case text(String)
    }

    /// The adapter: `log` (LogStore) or `postgres`.
    public var backend: String?
    /// Message bodies stored (each once, whatever its fan-out) and queue entries (one per message per queue).
    public var messages: Int64?
    public var entries: Int64?
    public var queues: Int64?
    /// Bytes the messages take.
    public var bytes: Int64?
    /// The newest key handed out and durable: `last_id`.
    public var lastID: Int64?
    /// Appends completed since start, and appends that failed after they were accepted: `appends`,
    /// `failed_appends`.
    public var appends: Int64?
    public var failedAppends: Int64?
    /// Durable flushes, the last one's duration and their mean: `fsyncs`, `last_fsync_microseconds`,
    /// `average_fsync_microseconds`.
    public var fsyncs: Int64?
    public var lastFsyncMicroseconds: Double?
    public var averageFsyncMicroseconds: Double?
    /// The adapter's own figures by their snake_case names (for the log: `segments`, `snapshots`,
    /// `corrupt_records`, `fsync_policy`, ...).
    public var details: [String: Figure]

    /// Figures of `backend`; set the rest.
    public init(backend: String? = nil, details: [String: Figure] = [:]) {
        self.backend = backend
        self.details = details
    }

    /// A detail as an integer (a count, or a value without a fraction); nil if absent or text.
    public func count(_ name: String) -> Int64? {
        switch details[name] {
        case .count(let count): count
        case .value(let value) where value.rounded() == value && abs(value) < 9.2e18: Int64(value)
        default: nil
        }
    }
}

extension IMStoreStatistics: Codable {
    private static let counts: [(String, WritableKeyPath<Self, Int64?> & Sendable)] = [
        ("messages", \.messages), ("entries", \.entries), ("queues", \.queues), ("bytes", \.bytes),
        ("last_id", \.lastID), ("appends", \.appends), ("failed_appends", \.failedAppends), ("fsyncs", \.fsyncs),
    ]
    private static let values: [(String, WritableKeyPath<Self, Double?> & Sendable)] = [
        ("last_fsync_microseconds", \.lastFsyncMicroseconds),
        ("average_fsync_microseconds", \.averageFsyncMicroseconds),
    ]
    private static let common = Set(["backend"] + counts.map(\.0) + values.map(\.0))

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(backend: container.lenient("backend"))
        for (key, path) in Self.counts { self[keyPath: path] = container.lenient(AnyCodingKey(key)) }
        for (key, path) in Self.values { self[keyPath: path] = container.lenient(AnyCodingKey(key)) }
        for key in container.allKeys where !Self.common.contains(key.stringValue) {
            if let count = container.lenient(key, as: Int64.self) {
                details[key.stringValue] = .count(count)
            } else if let value = container.lenient(key, as: Double.self) {
                details[key.stringValue] = .value(value)
            } else if let text = container.lenient(key, as: String.self) {
                details[key.stringValue] = .text(text)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        // The adapter's own first, so a detail that shares a common figure's name cannot replace it.
        for (name, figure) in details where !Self.common.contains(name) {
            switch figure {
            case .count(let count): try container.encode(count, forKey: AnyCodingKey(name))
            case .value(let value): try container.encode(value, forKey: AnyCodingKey(name))
            case .text(let text): try container.encode(text, forKey: AnyCodingKey(name))
            }
        }
        try container.encodeIfPresent(backend, forKey: "backend")
        for (key, path) in Self.counts { try container.encodeIfPresent(self[keyPath: path], forKey: AnyCodingKey(key)) }
        for (key, path) in Self.values { try container.encodeIfPresent(self[keyPath: path], forKey: AnyCodingKey(key)) }
    }
}
