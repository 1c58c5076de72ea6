import Foundation
import IMAdminAPI
import NIOCore
import ServiceLifecycle

/// LogStore replication in this server (`replication_listen`, `replica_of`): its role, the replicas it
/// serves as a primary, the primary it follows as a replica, and the promotion from one to the other.
final class Replication: Sendable {
    let store: LogStore
    let configuration: IMServerConfiguration.Replication
    /// With `replication_listen`: serves replicas (refusing them while this server is a replica).
    let server: ReplicationServer?
    /// With `replica_of`: follows the primary until promoted.
    let follower: ReplicaFollower?
    /// Once promoted: tells the former primary, until it has heard.
    let fence: FormerPrimaryFence?

    /// Nil unless the configuration replicates; with `replica_of`, the store refuses appends from here on.
    /// Throws when the store was promoted before and `replica_of` is still set (it would diverge).
    init?(
        store: any MessageStore,
        directory: any Directory,
        configuration: IMServerConfiguration,
        tls: ReplicationTLS?,
        group: any EventLoopGroup
    ) throws {
        let replication = configuration.replication
        guard let log = store as? LogStore else { return nil }
        if replication.replicaOf == nil, let deposed = try DeposedRecord.load(directory: log.configuration.directory) {
            throw Self.refusal(deposed, directory: log.configuration.directory)
        }
        guard replication.listen != nil || replication.replicaOf != nil else { return nil }
        self.store = log
        self.configuration = replication
        // The directory follows as whole copies (`DirectoryCopies`) when it is SQLite's.
        let directory = directory as? SQLiteDirectory
        let server = replication.listen.map { _ in
            ReplicationServer(store: log, directory: directory, configuration: configuration, tls: tls, group: group)
        }
        self.server = server
        if let primary = replication.replicaOf {
            if let promoted = try PromotionRecord.load(directory: log.configuration.directory) {
                throw IMServerError(
                    "this store was promoted to primary \(promoted) and has taken appends since: it cannot follow "
                        + "\(primary) (replica_of) without diverging. Remove replica_of to serve as the primary, or "
                        + "move the data directory aside and start again to copy \(primary)'s log from scratch"
                )
            }
            try log.becomeReplica(of: primary.description)
            follower = ReplicaFollower(
                store: log,
                directory: directory,
                configuration: configuration,
                tls: tls,
                ownServer: server,
                group: group
            )
            fence = Self.makeFence(of: primary, store: log, configuration: configuration, tls: tls, group: group)
        } else if let promoted = try PromotionRecord.load(directory: log.configuration.directory), !promoted.fenced,
            let former = IMServerConfiguration.Endpoint(parsing: promoted.from)
        {
            // Promoted before this start, and the former primary never heard of it: go on telling it.
            follower = nil
            fence = Self.makeFence(of: former, store: log, configuration: configuration, tls: tls, group: group)
            fence?.promoted.set(.success(promoted.firstID))
        } else {
            follower = nil
            fence = nil
        }
    }

    private static func makeFence(
        of former: IMServerConfiguration.Endpoint,
        store: LogStore,
        configuration: IMServerConfiguration,
        tls: ReplicationTLS?,
        group: any EventLoopGroup
    ) -> FormerPrimaryFence {
        let directory = store.configuration.directory
        return FormerPrimaryFence(formerPrimary: former, configuration: configuration, tls: tls, group: group) {
            guard var record = try? PromotionRecord.load(directory: directory) else { return }
            record.fenced = true
            try? record.save(directory: directory)
        }
    }

    /// Why a deposed store does not start as a primary, and what to do.
    static func refusal(_ deposed: DeposedRecord, directory: String) -> IMServerError {
        IMServerError(
            "this store was the primary until \(deposed): serving as a primary again would diverge from it. "
                + "Move the data directory (\(directory)) aside and start with --replica-of the new "
                + "primary to follow it; or, if that primary is gone for good and this log is to serve again, remove "
                + "\(directory)/\(DeposedRecord.fileName)"
        )
    }

    /// Started after the store and before the sessions; shut down before the store closes.
    var services: [any Service] {
        var services: [any Service] = []
        if let follower { services.append(follower) }
        if let server { services.append(server) }
        if let fence { services.append(fence) }
        return services
    }

    /// Turns this replica into a primary (`POST /store/promote`): stops following (waiting for the copy in
    /// flight), then lets the store take appends, ids continuing after the highest it has seen.
    func promote() async throws -> IMAdmin.Promotion {
        guard store.role == .replica, let follower else {
            throw StoreError(.unsupported, "this server is a primary: there is nothing to promote")
        }
        await follower.stop()
        let firstID = try store.promote()
        let directory = store.configuration.directory
        try PromotionRecord(
            from: configuration.replicaOf?.description ?? "?",
            fromName: follower.status.primaryName,
            firstID: firstID
        ).save(directory: directory)
        // Deposed once, promoted now: a restart serves as the primary it is.
        try? FileManager.default.removeItem(atPath: directory + "/" + DeposedRecord.fileName)
        fence?.promoted.set(.success(firstID))
        let progress = store.mirrorProgress
        return IMAdmin.Promotion(firstID: firstID, lastID: progress.lastID, position: progress.position.description)
    }

    /// `/summary`'s `replication`.
    var summary: IMSummary.Replication {
        var summary = IMSummary.Replication(role: store.role.rawValue)
        summary.mode = configuration.mode.rawValue
        if let server {
            summary.listen = configuration.listen?.description
            let now = Date()
            let head = store.replicationHead
            summary.replicas = server.replicas.all.map { replica in
                var entry = IMSummary.Replication.Replica(name: replica.name)
                entry.address = replica.address
                entry.connectedSeconds = now.timeIntervalSince(replica.connectedAt)
                entry.position = replica.progress.position.description
                entry.lastID = Int64(clamping: replica.progress.lastID)
                let lag = store.durableWatch.lag(of: replica.progress.position)
                entry.lagRecords = Int64(clamping: lag.records)
                entry.lagBytes = Int64(clamping: store.logBytes(from: replica.progress.position, to: head.durable))
                entry.lagSeconds = lag.seconds
                return entry
            }
            summary.waiting = server.gate.map { Int64($0.waiting) }
        }
        if let follower, store.role == .replica {
            let status = follower.status
            let progress = store.mirrorProgress
            var primary = IMSummary.Replication.Primary(address: configuration.replicaOf?.description)
            primary.name = status.primaryName
            primary.connected = status.connected
            primary.position = progress.position.description
            primary.lastID = Int64(clamping: progress.lastID)
            if status.primaryHead.segment == progress.position.segment {
                primary.lagBytes = Int64(status.primaryHead.offset) - Int64(min(progress.position.offset, status.primaryHead.offset))
            }
            primary.lastMessageAgeSeconds = status.lastMessageAt.map { Date().timeIntervalSince($0) }
            primary.lastError = status.lastError
            primary.directoryAgeSeconds = status.directoryCopiedAt.map { Date().timeIntervalSince($0) }
            summary.primary = primary
        }
        return summary
    }

    /// The role and the largest lag, as the store's own figures (`GET /store/stats`, `/summary`'s `store`).
    func annotate(_ statistics: inout MessageStoreStatistics) {
        let summary = self.summary
        statistics.details["role"] = .text(summary.role ?? "primary")
        if let replicas = summary.replicas {
            statistics.details["replicas"] = .count(UInt64(replicas.count))
            statistics.details["replica_lag_records"] = .count(UInt64(replicas.map { $0.lagRecords ?? 0 }.max() ?? 0))
            statistics.details["replica_lag_bytes"] = .count(UInt64(replicas.map { $0.lagBytes ?? 0 }.max() ?? 0))
            statistics.details["replica_lag_seconds"] = .value(replicas.map { $0.lagSeconds ?? 0 }.max() ?? 0)
        }
        if let primary = summary.primary {
            statistics.details["primary_connected"] = .count(primary.connected == true ? 1 : 0)
        }
    }
}
