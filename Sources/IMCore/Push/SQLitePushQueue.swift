import GRDB
import Logging

/// The push queue of one server: one SQLite table in `dataDirectory/push.sqlite` (GRDB), appended to in
/// batches and consumed from the front, in id order.
///
/// Why its own SQLite file rather than the directory's database or a log of our own: jobs are short-lived
/// work items, not metadata, so they stay out of the directory's schema and its single writer, and an
/// operator can inspect (`sqlite3 push.sqlite 'select * from push_jobs'`) or discard a backlog without
/// touching anything else; SQLite's WAL gives crash-safe appends and deletes, ids (`AUTOINCREMENT`) that
/// are never reused, so a webhook can deduplicate by id across restarts, and the front of the queue by
/// primary key in O(log n), with nothing of our own to compact. One transaction per batch of jobs keeps
/// the cost per job to microseconds.
///
/// One sender (this server's) takes from it, so a claim is simply the front and a release does nothing.
///
/// `synchronous = NORMAL` in WAL mode: a committed batch survives a crash of the process; a power loss
/// may lose the last batches written or resend the last batch delivered, which is acceptable for
/// notifications.
final class SQLitePushQueue: PushQueue {
    let path: String
    private let database: DatabaseQueue

    var place: String { path }
    var isShared: Bool { false }

    /// Opens (or creates) the file.
    init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.label = "SQLitePushQueue"
        configuration.busyMode = .timeout(5)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            try Self.migrator.migrate(database)
        } catch {
            throw IMServerError("cannot open the push queue \(path) (data_dir): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-push-jobs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE push_jobs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        queue TEXT NOT NULL,
                        job TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    )
                    """
            )
        }
        return migrator
    }

    func backlog() async throws -> PushBacklog {
        try await database.read { db in
            PushBacklog(
                count: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM push_jobs") ?? 0,
                oldest: try Self.oldest(db)
            )
        }
    }

    func append(_ jobs: [PushQueueRow.New]) async throws {
        guard !jobs.isEmpty else { return }
        try await database.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO push_jobs (queue, job, created_at) VALUES (?, ?, ?)")
            for job in jobs {
                try statement.execute(arguments: [job.queue.rawValue, job.json, job.createdAt])
            }
        }
    }

    func claim(limit: Int, lease: Duration) async throws -> [PushQueueRow] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, queue, job, created_at FROM push_jobs ORDER BY id LIMIT ?",
                arguments: [limit]
            ).map { row in
                PushQueueRow(
                    id: row["id"],
                    queue: PushQueueRow.queue(named: row["queue"]),
                    json: row["job"],
                    createdAt: row["created_at"]
                )
            }
        }
    }

    func release(_ batch: [PushQueueRow]) async throws {}

    /// Removes every job up to and including the batch's last: the batch is the front.
    func remove(_ batch: [PushQueueRow]) async throws -> (removed: Int, oldest: Int64?) {
        guard let last = batch.last else { return (0, nil) }
        return try await database.write { db in
            try db.execute(sql: "DELETE FROM push_jobs WHERE id <= ?", arguments: [last.id])
            return (db.changesCount, try Self.oldest(db))
        }
    }

    private static func oldest(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT created_at FROM push_jobs ORDER BY id LIMIT 1")
    }

    func close() async throws {
        try database.close()
    }
}
