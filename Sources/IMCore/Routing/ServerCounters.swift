import Synchronization

/// The server's running totals, shared by every event loop (relaxed atomics) and read by `/summary`
/// and `/metrics`.
package final class ServerCounters: Sendable {
    /// Open client sockets.
    package let connections = Atomic<Int>(0)
    /// Connections accepted since start.
    package let accepted = Atomic<Int>(0)
    /// Client messages received (IM, GROUP_IM, ROOM_IM, RT) plus admin-posted peer/group messages
    /// (GoBelieve's `in_message_count`).
    package let inMessages = Atomic<Int>(0)
    /// IM, GROUP_IM, ROOM_IM and RT frames written, pushed or synced (GoBelieve's `out_message_count`).
    package let outMessages = Atomic<Int>(0)
    /// Logins that succeeded / failed.
    package let loginsSucceeded = Atomic<Int>(0)
    package let loginsFailed = Atomic<Int>(0)
    /// Connections closed for a malformed frame, bad length or non-client command.
    package let protocolErrors = Atomic<Int>(0)
    /// Connections closed after `idle_timeout` without a frame.
    package let idleClosed = Atomic<Int>(0)
    /// Real-time pushes dropped because the recipient was not reading (it catches up by sync).
    package let droppedPushes = Atomic<Int>(0)
    /// Connections closed because their unread replies passed the limit.
    package let slowConsumersClosed = Atomic<Int>(0)
    /// Messages refused with a non-zero ACK status, and messages the store failed to keep.
    package let refusedMessages = Atomic<Int>(0)
    package let storeFailures = Atomic<Int>(0)
    /// Sync requests served and messages they returned.
    package let syncs = Atomic<Int>(0)
    package let syncedMessages = Atomic<Int>(0)
    /// Accept errors (EMFILE and the like).
    package let acceptErrors = Atomic<Int>(0)
    /// TLS handshakes that failed (a client that does not trust the certificate, or not speaking TLS).
    package let tlsHandshakeFailures = Atomic<Int>(0)
    /// Open connections and accepted connections per transport; `connections` and `accepted` are the sums.
    package let transports: [IMTransport: TransportCounters] = Dictionary(
        uniqueKeysWithValues: IMTransport.allCases.map { ($0, TransportCounters()) }
    )

    package init() {}

    /// The counters of one transport.
    package func transport(_ transport: IMTransport) -> TransportCounters {
        transports[transport]!
    }
}

/// One transport's connection figures.
package final class TransportCounters: Sendable {
    /// Open connections (WebSocket ones from the upgrade on).
    package let connections = Atomic<Int>(0)
    /// Connections accepted since start.
    package let accepted = Atomic<Int>(0)

    init() {}
}

extension Atomic where Value == Int {
    /// Adds `amount` (relaxed: these are statistics, not synchronisation).
    package func add(_ amount: Int = 1) {
        wrappingAdd(amount, ordering: .relaxed)
    }

    /// The value now (relaxed).
    package var value: Int { load(ordering: .relaxed) }
}
