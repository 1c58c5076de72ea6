/// A number imtop reads from a node's `/summary`: where it is in the JSON and whether it is a counter.
///
/// Counters only grow while a process runs, so a counter that goes backwards means the node restarted.
/// Every field is optional in a reply: GoBelieve's `im` serves only its own six, older swift-im versions
/// lack newer ones, and imtop shows "-" for what a node does not report.
package enum SummaryField: String, CaseIterable, Sendable {
    // Gauges.
    case connections, clients, users, threads
    case uptimeSeconds, startedAt
    case rssBytes, openFiles, maxOpenFiles, cpuCount
    case storeAverageFsyncMicroseconds, storeBytes, storeMessages
    // Counters.
    case inMessages, outMessages, accepted, logins, loginFailures, protocolErrors, idleClosed
    case droppedPushes, slowConsumersClosed, refusedMessages, storeFailures, syncs, syncedMessages, acceptErrors
    case cpuSeconds
    case storeAppends, storeFailedAppends, storeFsyncs
    /// Derived: the average fsync latency times the number of fsyncs (the store reports both).
    case storeFsyncMicroseconds

    /// The keys leading to the value in `/summary`'s JSON.
    package var path: [String] {
        switch self {
        case .connections: ["connection_count"]
        case .clients: ["client_count"]
        case .users: ["clientset_count"]
        case .threads: ["goroutine_count"]
        case .uptimeSeconds: ["uptime_seconds"]
        case .startedAt: ["started_at"]
        case .rssBytes: ["process", "rss_bytes"]
        case .openFiles: ["process", "open_files"]
        case .maxOpenFiles: ["process", "max_open_files"]
        case .cpuCount: ["process", "cpu_count"]
        case .cpuSeconds: ["process", "cpu_seconds"]
        case .storeAverageFsyncMicroseconds: ["store", "average_fsync_microseconds"]
        case .storeBytes: ["store", "bytes"]
        case .storeMessages: ["store", "messages"]
        case .inMessages: ["in_message_count"]
        case .outMessages: ["out_message_count"]
        case .accepted: ["accepted_count"]
        case .logins: ["login_count"]
        case .loginFailures: ["login_failed_count"]
        case .protocolErrors: ["protocol_error_count"]
        case .idleClosed: ["idle_closed_count"]
        case .droppedPushes: ["dropped_push_count"]
        case .slowConsumersClosed: ["slow_consumer_closed_count"]
        case .refusedMessages: ["refused_message_count"]
        case .storeFailures: ["store_failure_count"]
        case .syncs: ["sync_count"]
        case .syncedMessages: ["synced_message_count"]
        case .acceptErrors: ["accept_error_count"]
        case .storeAppends: ["store", "appends"]
        case .storeFailedAppends: ["store", "failed_appends"]
        case .storeFsyncs: ["store", "fsyncs"]
        case .storeFsyncMicroseconds: []
        }
    }

    /// Whether the value only grows while the process runs.
    package var isCounter: Bool {
        switch self {
        case .connections, .clients, .users, .threads, .uptimeSeconds, .startedAt, .rssBytes, .openFiles,
            .maxOpenFiles, .cpuCount, .storeAverageFsyncMicroseconds, .storeBytes, .storeMessages:
            false
        case .inMessages, .outMessages, .accepted, .logins, .loginFailures, .protocolErrors, .idleClosed,
            .droppedPushes, .slowConsumersClosed, .refusedMessages, .storeFailures, .syncs, .syncedMessages,
            .acceptErrors, .cpuSeconds, .storeAppends, .storeFailedAppends, .storeFsyncs, .storeFsyncMicroseconds:
            true
        }
    }
}
