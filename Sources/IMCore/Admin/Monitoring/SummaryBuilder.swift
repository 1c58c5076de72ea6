import Foundation
import IMAdminAPI
import NIOCore

/// Builds `IMSummary` (PROTOCOL.md §10.2: every GoBelieve field with its meaning, plus ours): `/summary`
/// sends it and `/metrics` exports its figures, so both always agree.
enum SummaryBuilder {
    /// `/summary`: the figures, the directory's group count, and GoBelieve's `app_<appID>` when asked.
    ///
    /// The summary is what an operator reads during an outage, so it never waits for a database that is
    /// down: the group count is left out then, and when the directory cannot give it.
    static func summary(_ core: ServerContext, appID: Int64?) async throws -> IMSummary {
        var summary = figures(core)
        if summary.postgres?.state != "down", let count = try? await core.directory.groupCount() {
            summary.groupCount = Int64(count)
        }
        if let appID { summary.requestedApp = requestedApp(core, appID) }
        return summary
    }

    /// Every figure that is read from memory and `/proc` (no I/O that may wait): what `/metrics` exports.
    static func figures(_ core: ServerContext, process: ProcessStats = .current()) -> IMSummary {
        let counters = core.counters
        let (clients, users) = core.local.sessions.counts()
        let rooms = core.local.rooms.totals()
        var summary = IMSummary()
        // GoBelieve's. There are no goroutines: the closest figure is the thread count.
        summary.goroutineCount = Int64(process.threads)
        summary.connectionCount = Int64(counters.connections.value)
        summary.clientCount = Int64(clients)
        summary.clientsetCount = Int64(users)
        summary.inMessageCount = Int64(counters.inMessages.value)
        summary.outMessageCount = Int64(counters.outMessages.value)
        // Ours.
        summary.nodeID = core.configuration.nodeID
        summary.version = core.version
        summary.uptimeSeconds = Int64(Date().timeIntervalSince(core.startedAt))
        summary.startedAt = Int64(core.startedAt.timeIntervalSince1970)
        summary.acceptedCount = Int64(counters.accepted.value)
        summary.loginCount = Int64(counters.loginsSucceeded.value)
        summary.loginFailedCount = Int64(counters.loginsFailed.value)
        summary.protocolErrorCount = Int64(counters.protocolErrors.value)
        summary.idleClosedCount = Int64(counters.idleClosed.value)
        summary.refused = Dictionary(
            uniqueKeysWithValues: core.refusals.counts.map { ($0.key.rawValue, Int64($0.value)) }
        )
        summary.droppedPushCount = Int64(counters.droppedPushes.value)
        summary.slowConsumerClosedCount = Int64(counters.slowConsumersClosed.value)
        summary.refusedMessageCount = Int64(counters.refusedMessages.value)
        summary.storeFailureCount = Int64(counters.storeFailures.value)
        summary.syncCount = Int64(counters.syncs.value)
        summary.syncedMessageCount = Int64(counters.syncedMessages.value)
        summary.acceptErrorCount = Int64(counters.acceptErrors.value)
        summary.roomCount = Int64(rooms.rooms)
        summary.roomClientCount = Int64(rooms.clients)
        summary.wordCount = Int64(core.messages.words.wordCount)
        summary.tlsHandshakeFailureCount = Int64(counters.tlsHandshakeFailures.value)
        summary.transports = transports(core)
        summary.push = push(core)
        summary.process = self.process(process)
        summary.store = IMStoreStatistics(core.storeStatistics)
        summary.postgres = core.database.map(postgres)
        summary.cluster = (core.bus as? PostgresBus).map(cluster)
        summary.replication = core.replication?.summary
        summary.apps = apps(core)
        return summary
    }

    /// Per configured listener: open and accepted connections.
    private static func transports(_ core: ServerContext) -> [String: IMSummary.Transport] {
        var transports: [String: IMSummary.Transport] = [:]
        for transport in IMTransport.allCases where core.configuration.listenAddress(transport) != nil {
            let figures = core.counters.transport(transport)
            transports[transport.rawValue] = IMSummary.Transport(
                connections: Int64(figures.connections.value),
                accepted: Int64(figures.accepted.value)
            )
        }
        return transports
    }

    /// The offline push hook's figures; `{"enabled":false}` without a webhook.
    private static func push(_ core: ServerContext) -> IMSummary.Push {
        guard let stats = core.messages.push?.stats else { return IMSummary.Push(enabled: false) }
        var push = IMSummary.Push(enabled: true)
        push.webhook = stats.webhook
        push.queued = Int64(stats.queued)
        push.sent = Int64(stats.sent)
        push.failed = Int64(stats.failed)
        push.expired = Int64(stats.expired)
        push.dropped = Int64(stats.dropped)
        push.batches = Int64(stats.batches)
        push.pending = Int64(stats.pending)
        push.oldestAgeSeconds = finite(stats.oldestAgeSeconds)
        return push
    }

    /// The cluster's database: its state and statement figures.
    private static func postgres(_ database: PostgresDatabase) -> IMSummary.Postgres {
        let health = database.health.snapshot
        let now = Date().timeIntervalSince1970
        var postgres = IMSummary.Postgres(state: health.up ? "up" : "down")
        postgres.database = database.place
        postgres.poolSize = Int64(database.poolSize)
        postgres.inFlight = Int64(health.inFlight)
        postgres.statements = Int64(health.statements)
        postgres.errors = Int64(health.errors)
        postgres.stateChanges = Int64(health.stateChanges)
        postgres.stateSeconds = finite(max(0, now - health.since))
        postgres.lastError = health.lastError
        postgres.lastErrorAgeSeconds = health.lastErrorAt.map { finite(max(0, now - $0)) }
        postgres.schemaVersion = Int64(database.schemaVersion)
        return postgres
    }

    /// This node in its cluster: the live nodes and the bus's figures.
    private static func cluster(_ bus: PostgresBus) -> IMSummary.Cluster {
        var cluster = IMSummary.Cluster(nodeID: bus.membership.nodeID)
        cluster.nodesLive = Int64(bus.membership.otherNodes.count + 1)
        cluster.notificationsSent = Int64(bus.figures.sent.load(ordering: .relaxed))
        cluster.notificationsReceived = Int64(bus.figures.received.load(ordering: .relaxed))
        cluster.busMisses = Int64(bus.figures.missed.load(ordering: .relaxed))
        cluster.busLagMilliseconds = Double(bus.figures.lagMicroseconds.load(ordering: .relaxed)) / 1000
        return cluster
    }

    private static func process(_ stats: ProcessStats) -> IMSummary.Process {
        var process = IMSummary.Process()
        process.rssBytes = Int64(stats.residentBytes)
        process.virtualBytes = Int64(stats.virtualBytes)
        process.threads = Int64(stats.threads)
        process.cpuSeconds = finite(stats.cpuSeconds)
        process.openFiles = Int64(stats.openFiles)
        process.maxOpenFiles = Int64(stats.maxOpenFiles)
        process.cpuCount = Int64(System.coreCount)
        return process
    }

    /// Who is online per app (imtop's per-app view); one object per app so figures can be added to it.
    private static func apps(_ core: ServerContext) -> [Int64: IMSummary.AppCounts] {
        let rooms = core.local.rooms.countsByApp()
        var apps: [Int64: IMSummary.AppCounts] = [:]
        for (appID, counts) in core.local.sessions.countsByApp() {
            apps[appID] = IMSummary.AppCounts(
                clientCount: Int64(counts.clients),
                clientsetCount: Int64(counts.users),
                roomCount: Int64(rooms[appID]?.rooms ?? 0),
                roomClientCount: Int64(rooms[appID]?.clients ?? 0)
            )
        }
        return apps
    }

    /// GoBelieve's `app_<id>`; `room_stat` lists only rooms with at least 1000 connections.
    private static func requestedApp(_ core: ServerContext, _ appID: Int64) -> IMSummary.RequestedApp {
        let (clients, users) = core.local.sessions.counts(appID: appID)
        let rooms = core.local.rooms.counts(appID: appID)
        var app = IMSummary.RequestedApp(appID: appID)
        app.clientsetCount = Int64(users)
        app.clientCount = Int64(clients)
        app.roomCount = Int64(rooms.rooms)
        app.roomClientCount = Int64(rooms.clients)
        app.roomStat = rooms.big.mapValues { Int64($0) }
        return app
    }

    /// JSON has no NaN or infinity: a figure that is not finite reads as 0.
    static func finite(_ value: Double) -> Double {
        value.isFinite ? value : 0
    }
}
