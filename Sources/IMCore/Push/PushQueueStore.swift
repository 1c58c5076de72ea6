import GRDB
import Logging

/// The durable queue of push jobs: one SQLite table in `dataDirectory/push.sqlite` (GRDB), appended to in
/// batches and consumed from the front, in id order.
///
/// Why its own SQLite file rather than the directory's database or a log of our own: jobs are short-lived
/// work items, not metadata, so they stay out of the directory's schema, its single writer and its
/// cluster port, and an operator can inspect (`sqlite3 push.sqlite 'select * from push_jobs'`) or discard
/// a backlog without touching anything else; SQLite's WAL gives crash-safe appends and deletes, ids
/// (`AUTOINCREMENT`) that are never reused, so a webhook can deduplicate by id across restarts, and the
/// front of the queue by primary key in O(log n), with nothing of our own to compact. One transaction per
/// batch of jobs keeps the cost per job to microseconds.
///
/// `synchronous = NORMAL` in WAL mode: a committed batch survives a crash of the process; a power loss
/// may lose the last batches written or resend the last batch delivered, which is acceptable for
/// notifications.
final class PushQueueStore: Sendable {
    /// A job as stored: its id, queue and JSON object (without the id).
    struct Row: Sendable, Equatable {
        var id: Int64
        var queue: PushJob.Queue
        var json: String
        /// Unix milliseconds.
        var createdAt: Int64
    }

    let path: String
    private let database: DatabaseQueue
    /// What was stored at open: the number of jobs and the oldest one's creation time.
    let initialCount: Int
    let initialOldest: Int64?

    /// Opens (or creates) the file and counts the jobs left from an earlier run.
    init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.label = "PushQueueStore"
        configuration.busyMode = .timeout(5)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            try Self.migrator.migrate(database)
            (initialCount, initialOldest) = try database.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM push_jobs") ?? 0,
                    try Int64.fetchOne(db, sql: "SELECT created_at FROM push_jobs ORDER BY id LIMIT 1")
                )
            }
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

    /// Appends `jobs` in one transaction, in order.
    func append(_ jobs: [(queue: PushJob.Queue, json: String, createdAt: Int64)]) async throws {
        guard !jobs.isEmpty else { return }
        try await database.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO push_jobs (queue, job, created_at) VALUES (?, ?, ?)")
            for job in jobs {
                try statement.execute(arguments: [job.queue.rawValue, job.json, job.createdAt])
            }
        }
    }

    /// The first `limit` jobs, oldest first.
    func front(limit: Int) async throws -> [Row] {
        try await database.read { db in
            try GRDB.Row.fetchAll(
                db,
                sql: "SELECT id, queue, job, created_at FROM push_jobs ORDER BY id LIMIT ?",
                arguments: [limit]
            ).map { row in
                // A queue name this build does not know (written by a newer one) is delivered as a peer job
                // rather than stuck at the front.
                Row(
                    id: row["id"],
                    queue: PushJob.Queue(rawValue: row["queue"]) ?? .peer,
                    json: row["job"],
                    createdAt: row["created_at"]
                )
            }
        }
    }

    /// Removes every job up to and including `id`; returns how many went and the creation time of the new
    /// front job (nil when none is left).
    func remove(through id: Int64) async throws -> (removed: Int, oldest: Int64?) {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM push_jobs WHERE id <= ?", arguments: [id])
            let removed = db.changesCount
            let oldest = try Int64.fetchOne(db, sql: "SELECT created_at FROM push_jobs ORDER BY id LIMIT 1")
            return (removed, oldest)
        }
    }

    /// Releases the file.
    func close() throws {
        try database.close()
    }
}
