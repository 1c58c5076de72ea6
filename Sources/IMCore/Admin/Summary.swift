import Foundation

/// `/summary` (reference §10.2): every GoBelieve field with its meaning, plus ours.
enum Summary {
    static func make(core: ServerContext, appID: Int64?) async throws -> [String: Any] {
        let counters = core.counters
        let (clients, users) = core.local.sessions.counts()
        let process = ProcessStats.current()
        let rooms = core.local.rooms.totals()
        let groupCount = try await AdminAPI.directoryCall { try await core.directory.groupCount() }
        var summary: [String: Any] = [
            // GoBelieve's fields. There are no goroutines: the closest figure is the thread count.
            "goroutine_count": process.threads,
            "connection_count": counters.connections.value,
            "client_count": clients,
            "clientset_count": users,
            "in_message_count": counters.inMessages.value,
            "out_message_count": counters.outMessages.value,
            // Ours.
            "node_id": core.configuration.nodeID,
            "version": core.version,
            "uptime_seconds": Int(Date().timeIntervalSince(core.startedAt)),
            "started_at": Int(core.startedAt.timeIntervalSince1970),
            "accepted_count": counters.accepted.value,
            "login_count": counters.loginsSucceeded.value,
            "login_failed_count": counters.loginsFailed.value,
            "protocol_error_count": counters.protocolErrors.value,
            "idle_closed_count": counters.idleClosed.value,
            "dropped_push_count": counters.droppedPushes.value,
            "slow_consumer_closed_count": counters.slowConsumersClosed.value,
            "refused_message_count": counters.refusedMessages.value,
            "store_failure_count": counters.storeFailures.value,
            "sync_count": counters.syncs.value,
            "synced_message_count": counters.syncedMessages.value,
            "accept_error_count": counters.acceptErrors.value,
            "room_count": rooms.rooms,
            "room_client_count": rooms.clients,
            "group_count": groupCount,
            "word_count": core.messages.words.wordCount,
            "tls_handshake_failure_count": counters.tlsHandshakeFailures.value,
            // Per configured listener: open and accepted connections.
            "transports": Dictionary(
                uniqueKeysWithValues: IMTransport.allCases.filter { core.configuration.listenAddress($0) != nil }.map {
                    transport in
                    let figures = counters.transport(transport)
                    return (
                        transport.rawValue,
                        ["connections": figures.connections.value, "accepted": figures.accepted.value] as [String: Any]
                    )
                }
            ),
            "push": pushStats(core),
            "process": [
                "rss_bytes": process.residentBytes,
                "virtual_bytes": process.virtualBytes,
                "threads": process.threads,
                "cpu_seconds": process.cpuSeconds,
                "open_files": process.openFiles,
                "max_open_files": process.maxOpenFiles,
                "cpu_count": System.coreCount,
            ] as [String: Any],
            "store": storeStats(core),
            "apps": apps(core),
        ]
        if let appID {
            let (appClients, appUsers) = core.local.sessions.counts(appID: appID)
            let appRooms = core.local.rooms.counts(appID: appID)
            summary["app_\(appID)"] =
                [
                    "clientset_count": appUsers,
                    "client_count": appClients,
                    "room_count": appRooms.rooms,
                    "room_client_count": appRooms.clients,
                    // GoBelieve lists only rooms with at least 1000 connections, keyed by room id.
                    "room_stat": Dictionary(uniqueKeysWithValues: appRooms.big.map { ("\($0.key)", $0.value) }),
                ] as [String: Any]
        }
        return summary
    }

    /// The offline push hook's figures; `{"enabled":false}` without a webhook.
    static func pushStats(_ core: ServerContext) -> [String: Any] {
        guard let push = core.messages.push else { return ["enabled": false] }
        var figures = push.stats.json
        figures["enabled"] = true
        return figures
    }

    /// Who is online per app, keyed by the app id as a string: `{"7": {"client_count": 3,
    /// "clientset_count": 2, "room_count": 1, "room_client_count": 2}}` (imtop's per-app view). One object per app so figures can be added to it.
    static func apps(_ core: ServerContext) -> [String: Any] {
        let rooms = core.local.rooms.countsByApp()
        var apps: [String: Any] = [:]
        for (appID, counts) in core.local.sessions.countsByApp() {
            apps[String(appID)] =
                [
                    "client_count": counts.clients, "clientset_count": counts.users,
                    "room_count": rooms[appID]?.rooms ?? 0, "room_client_count": rooms[appID]?.clients ?? 0,
                ] as [String: Any]
        }
        return apps
    }

    /// The message store's figures as a JSON object.
    static func storeStats(_ core: ServerContext) -> [String: Any] {
        core.store.statistics.json
    }
}
