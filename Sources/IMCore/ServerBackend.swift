import Foundation
import NIOPosix
import ServiceLifecycle

/// The server's long-lived parts behind its ports, opened from the configuration: the one place that
/// chooses the backend. Embedded (the default): `LogStore` and `SQLiteDirectory` in `data_dir`. With
/// `postgres_url`: messages, the directory and the push queue in PostgreSQL (`PostgresMessageStore`,
/// `PostgresDirectory`, `PostgresPushQueue`), and nothing of theirs in `data_dir`.
struct ServerBackend: Sendable {
    var store: any MessageStore
    var directory: any Directory
    var words: WordList
    /// The offline push hook's sender, when a webhook is configured.
    var push: PushDispatcher?
    /// The cluster's database when `postgres_url` is set: the first service started, the last shut down.
    var database: PostgresDatabase?
    /// The database's LISTEN connection, with `postgres_url`: started after it, shut down before it.
    var listener: PostgresListener?

    /// The parts as services, in start order (shut down in the reverse one).
    var services: [any Service] {
        var parts: [any Service] = database.map { [$0] } ?? []
        parts += listener.map { [$0] } ?? []
        parts += push.map { [$0] } ?? []
        return parts + [directory, store]
    }

    /// Opens every part: files on the blocking-I/O pool (recovery reads and fsyncs files; never on a
    /// thread of the concurrency pool, which everything else async in the process shares), the database
    /// over its pool. On failure what was opened is closed again and the error names the configuration
    /// field.
    static func open(_ configuration: IMServerConfiguration) async throws -> ServerBackend {
        guard configuration.postgres.url != nil else {
            return try await NIOThreadPool.singleton.runIfActive { try openEmbedded(configuration, cluster: nil) }
        }
        let database = try await PostgresDatabase.open(configuration)
        let listener = PostgresListener(database: database)
        let directory = PostgresDirectory(database: database)
        directory.listen(to: listener)
        let cluster = Cluster(
            store: PostgresMessageStore(database: database),
            directory: directory,
            push: PostgresPushQueue(database: database)
        )
        do {
            var backend = try await NIOThreadPool.singleton.runIfActive {
                try openEmbedded(configuration, cluster: cluster)
            }
            backend.database = database
            backend.listener = listener
            return backend
        } catch {
            await database.close()
            throw error
        }
    }

    /// The parts on the cluster's database.
    private struct Cluster: Sendable {
        var store: any MessageStore
        var directory: any Directory
        var push: any PushQueue
    }

    /// The parts in `data_dir`: those `cluster` does not give.
    private static func openEmbedded(_ configuration: IMServerConfiguration, cluster: Cluster?) throws -> ServerBackend
    {
        let root = URL(fileURLWithPath: configuration.dataDirectory)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw IMServerError("cannot create the data directory \(root.path) (data_dir): \(error)")
        }
        let words = try WordList(path: configuration.wordFile)
        let log = cluster == nil ? try openLog(configuration, root: root) : nil
        let store: any MessageStore = cluster?.store ?? log!
        do {
            let sqlite =
                cluster == nil
                ? try SQLiteDirectory(
                    path: root.appendingPathComponent("directory.sqlite").path,
                    logger: configuration.logger
                )
                : nil
            let directory: any Directory = cluster?.directory ?? sqlite!
            do {
                let push = try openPush(configuration, root: root, cluster: cluster?.push)
                return ServerBackend(store: store, directory: directory, words: words, push: push)
            } catch {
                try? sqlite?.closeNow()
                throw error
            }
        } catch {
            try? log?.close()
            throw error
        }
    }

    private static func openLog(_ configuration: IMServerConfiguration, root: URL) throws -> LogStore {
        var storeConfiguration = LogStoreConfiguration(directory: root.appendingPathComponent("messages").path)
        storeConfiguration.fsync = configuration.storage.fsync
        storeConfiguration.fsyncInterval = configuration.storage.fsyncInterval
        storeConfiguration.segmentSize = configuration.storage.segmentSize
        storeConfiguration.snapshotEveryBytes = configuration.storage.snapshotEveryBytes
        storeConfiguration.snapshotInterval = configuration.storage.snapshotInterval
        if configuration.storage.retention > .zero { storeConfiguration.retention = configuration.storage.retention }
        if configuration.storage.retentionBytes > 0 {
            storeConfiguration.retentionBytes = UInt64(configuration.storage.retentionBytes)
        }
        storeConfiguration.logger = configuration.logger
        return try LogStore(configuration: storeConfiguration)
    }

    /// The push hook's sender, on the cluster's queue or `push.sqlite`; nil without a webhook (a queue
    /// left from an earlier run is kept).
    private static func openPush(
        _ configuration: IMServerConfiguration,
        root: URL,
        cluster: (any PushQueue)?
    ) throws -> PushDispatcher? {
        let file = root.appendingPathComponent("push.sqlite").path
        guard configuration.push.webhook != nil else {
            let leftover = file
            if cluster == nil, FileManager.default.fileExists(atPath: leftover) {
                configuration.logger.notice(
                    "\(leftover) is kept but not sent: no push_webhook is configured (delete it to discard its jobs)"
                )
            }
            return nil
        }
        return PushDispatcher(
            configuration: configuration.push,
            queue: try cluster ?? SQLitePushQueue(path: file),
            version: configuration.version,
            logger: configuration.logger
        )
    }
}

extension ServerBackend {
    /// With `postgres_url`, this node in the cluster: its row in `nodes` (refused while a live node has
    /// the same `node_id`) and the bus through the database. Nil for the embedded backend.
    func joinCluster(
        _ configuration: IMServerConfiguration,
        local: LocalBus,
        counters: ServerCounters
    ) async throws -> (bus: PostgresBus, services: [any Service])? {
        guard let database, let listener else { return nil }
        let membership = ClusterMembership(database: database, configuration: configuration, counters: counters)
        do {
            try await membership.register()
        } catch let error as IMServerError {
            throw error
        } catch {
            throw IMServerError(
                "cannot join the cluster at \(database.place) (postgres_url): \(PostgresDatabase.describe(error))"
            )
        }
        let bus = PostgresBus(
            local: local,
            membership: membership,
            database: database,
            listener: listener
        )
        return (bus, [membership, bus])
    }
}

extension IMServer {
    /// What `imd --check-config` reports of the backend beyond the configuration, or nil for the embedded
    /// one: with `postgres_url`, it connects and reads the schema version without changing anything.
    /// Throws an `IMServerError` naming `postgres_url` when the database cannot be used.
    public static func checkBackend(_ configuration: IMServerConfiguration) async throws -> String? {
        guard configuration.postgres.url != nil else { return nil }
        return try await PostgresDatabase.check(configuration)
    }
}
