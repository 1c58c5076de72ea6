/// A message store's figures as `/summary` (its `store` object) and `/metrics` show them: the same names
/// whatever the adapter, plus the adapter's own.
package struct MessageStoreStatistics: Sendable, Equatable {
    /// One figure of an adapter's own.
    package enum Figure: Sendable, Equatable {
        case count(UInt64)
        case value(Double)
        case text(String)
    }

    /// The adapter: `log` (LogStore) or `postgres`.
    package var backend: String
    /// Message bodies stored (each once, whatever its fan-out).
    package var messages: UInt64 = 0
    /// Queue entries (one per message per queue).
    package var entries: UInt64 = 0
    package var queues: Int = 0
    /// Bytes the messages take on disk.
    package var bytes: UInt64 = 0
    /// The newest key handed out and durable.
    package var lastID: UInt64 = 0
    /// Appends completed (durable) since start, and appends that failed after they were accepted.
    package var appends: UInt64 = 0
    package var failedAppends: UInt64 = 0
    /// Durable flushes (the log's fsyncs, or PostgreSQL's commits): many appends share one under load.
    package var fsyncs: UInt64 = 0
    package var lastFsyncMicroseconds: Double = 0
    package var averageFsyncMicroseconds: Double = 0
    /// The adapter's own figures by their snake_case name (segments, snapshots, recovery for the log).
    package var details: [String: Figure] = [:]

    package init(backend: String) {
        self.backend = backend
    }
}
