import IMAdminAPI

/// A number imtop reads from a node's `/summary` (`IMSummary`), and whether it is a counter.
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
    /// Replication: 1 on a replica, 0 on a primary (absent without replication); whether a replica is
    /// connected to its primary; a primary's furthest-behind replica, in seconds.
    case isReplica, isDeposed, primaryConnected, replicaLagSeconds
    // Counters.
    case inMessages, outMessages, accepted, logins, loginFailures, protocolErrors, idleClosed
    case droppedPushes, slowConsumersClosed, refusedMessages, storeFailures, syncs, syncedMessages, acceptErrors
    case cpuSeconds
    case storeAppends, storeFailedAppends, storeFsyncs
    /// Derived: the average fsync latency times the number of fsyncs (the store reports both).
    case storeFsyncMicroseconds

    /// The figure in a node's summary; nil when the node does not report it.
    package func value(in summary: IMSummary) -> Double? {
        switch self {
        case .connections: summary.connectionCount.map(Double.init)
        case .clients: summary.clientCount.map(Double.init)
        case .users: summary.clientsetCount.map(Double.init)
        case .threads: summary.goroutineCount.map(Double.init)
        case .uptimeSeconds: summary.uptimeSeconds.map(Double.init)
        case .startedAt: summary.startedAt.map(Double.init)
        case .rssBytes: summary.process?.rssBytes.map(Double.init)
        case .openFiles: summary.process?.openFiles.map(Double.init)
        case .maxOpenFiles: summary.process?.maxOpenFiles.map(Double.init)
        case .cpuCount: summary.process?.cpuCount.map(Double.init)
        case .cpuSeconds: summary.process?.cpuSeconds
        case .storeAverageFsyncMicroseconds: summary.store?.averageFsyncMicroseconds
        case .storeBytes: summary.store?.bytes.map(Double.init)
        case .storeMessages: summary.store?.messages.map(Double.init)
        case .isReplica: summary.replication?.role.map { $0 == "replica" ? 1 : 0 }
        case .isDeposed: summary.replication?.role.map { $0 == "deposed" ? 1 : 0 }
        case .primaryConnected: summary.replication?.primary?.connected.map { $0 ? 1 : 0 }
        case .replicaLagSeconds: summary.replication?.replicas.map { $0.compactMap(\.lagSeconds).max() ?? 0 }
        case .inMessages: summary.inMessageCount.map(Double.init)
        case .outMessages: summary.outMessageCount.map(Double.init)
        case .accepted: summary.acceptedCount.map(Double.init)
        case .logins: summary.loginCount.map(Double.init)
        case .loginFailures: summary.loginFailedCount.map(Double.init)
        case .protocolErrors: summary.protocolErrorCount.map(Double.init)
        case .idleClosed: summary.idleClosedCount.map(Double.init)
        case .droppedPushes: summary.droppedPushCount.map(Double.init)
        case .slowConsumersClosed: summary.slowConsumerClosedCount.map(Double.init)
        case .refusedMessages: summary.refusedMessageCount.map(Double.init)
        case .storeFailures: summary.storeFailureCount.map(Double.init)
        case .syncs: summary.syncCount.map(Double.init)
        case .syncedMessages: summary.syncedMessageCount.map(Double.init)
        case .acceptErrors: summary.acceptErrorCount.map(Double.init)
        case .storeAppends: summary.store?.appends.map(Double.init)
        case .storeFailedAppends: summary.store?.failedAppends.map(Double.init)
        case .storeFsyncs: summary.store?.fsyncs.map(Double.init)
        // Derived from two figures by `NodeSummary`.
        case .storeFsyncMicroseconds: nil
        }
    }

    /// Whether the value only grows while the process runs.
    package var isCounter: Bool {
        switch self {
        case .connections, .clients, .users, .threads, .uptimeSeconds, .startedAt, .rssBytes, .openFiles,
            .maxOpenFiles, .cpuCount, .storeAverageFsyncMicroseconds, .storeBytes, .storeMessages, .isReplica,
            .isDeposed, .primaryConnected, .replicaLagSeconds:
            false
        case .inMessages, .outMessages, .accepted, .logins, .loginFailures, .protocolErrors, .idleClosed,
            .droppedPushes, .slowConsumersClosed, .refusedMessages, .storeFailures, .syncs, .syncedMessages,
            .acceptErrors, .cpuSeconds, .storeAppends, .storeFailedAppends, .storeFsyncs, .storeFsyncMicroseconds:
            true
        }
    }
}
