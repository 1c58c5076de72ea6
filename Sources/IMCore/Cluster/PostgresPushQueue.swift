import Logging
import PostgresNIO

/// The push queue in the cluster's database (`push_jobs`): every node appends its jobs, and any node's
/// sender claims the oldest unclaimed ones with `FOR UPDATE SKIP LOCKED`, so senders never wait for each
/// other nor take the same job.
///
/// A claim is a lease (`claimed_until`), not a lock held by an open transaction: no connection of the
/// pool waits on a webhook, and the jobs of a node that died while sending become claimable again when
/// its lease runs out (then they may be sent twice: at least once, as with one server). With several
/// senders, batches may reach the webhook out of order; jobs within a batch stay in id order.
final class PostgresPushQueue: PushQueue {
    private let database: PostgresDatabase

    init(database: PostgresDatabase) {
        self.database = database
    }

    var place: String { "PostgreSQL \(database.place)" }
    var isShared: Bool { true }

    func backlog() async throws -> PushBacklog {
        try await database.withinTimeout("reading the push backlog") {
            let rows = try await self.database.client.query(
                "SELECT count(*), min(created_at) FROM push_jobs",
                logger: self.database.logger
            )
            var backlog = PushBacklog(count: 0)
            for try await (count, oldest) in rows.decode((Int64, Int64?).self) {
                backlog = PushBacklog(count: Int(count), oldest: oldest)
            }
            return backlog
        }
    }

    func append(_ jobs: [PushQueueRow.New]) async throws {
        guard !jobs.isEmpty else { return }
        let queues = jobs.map(\.queue.rawValue)
        let bodies = jobs.map(\.json)
        let created = jobs.map(\.createdAt)
        try await database.withinTimeout("appending \(jobs.count) push jobs") {
            try await self.database.client.query(
                """
                INSERT INTO push_jobs (queue, job, created_at)
                SELECT queue, job, created_at
                FROM unnest(\(queues)::text[], \(bodies)::text[], \(created)::bigint[])
                    WITH ORDINALITY AS t (queue, job, created_at, ord)
                ORDER BY ord
                """,
                logger: self.database.logger
            )
        }
    }

    func claim(limit: Int, lease: Duration) async throws -> [PushQueueRow] {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        let limit = Int64(limit)
        return try await database.withinTimeout("claiming push jobs") {
            let rows = try await self.database.client.query(
                """
                UPDATE push_jobs SET claimed_until = now() + make_interval(secs => \(seconds))
                WHERE id IN (
                    SELECT id FROM push_jobs
                    WHERE claimed_until IS NULL OR claimed_until < now()
                    ORDER BY id LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                RETURNING id, queue, job, created_at
                """,
                logger: self.database.logger
            )
            var batch: [PushQueueRow] = []
            for try await (id, queue, job, created) in rows.decode((Int64, String, String, Int64).self) {
                batch.append(
                    PushQueueRow(id: id, queue: PushQueueRow.queue(named: queue), json: job, createdAt: created)
                )
            }
            return batch.sorted { $0.id < $1.id }
        }
    }

    func release(_ batch: [PushQueueRow]) async throws {
        guard !batch.isEmpty else { return }
        let ids = batch.map(\.id)
        try await database.withinTimeout("releasing \(batch.count) push jobs") {
            try await self.database.client.query(
                "UPDATE push_jobs SET claimed_until = NULL WHERE id = ANY(\(ids)::bigint[])",
                logger: self.database.logger
            )
        }
    }

    func remove(_ batch: [PushQueueRow]) async throws -> (removed: Int, oldest: Int64?) {
        guard !batch.isEmpty else { return (0, nil) }
        let ids = batch.map(\.id)
        return try await database.withinTimeout("removing \(batch.count) delivered push jobs") {
            let rows = try await self.database.client.query(
                """
                WITH gone AS (DELETE FROM push_jobs WHERE id = ANY(\(ids)::bigint[]) RETURNING id)
                SELECT (SELECT count(*) FROM gone),
                    (SELECT created_at FROM push_jobs WHERE id <> ALL(\(ids)::bigint[]) ORDER BY id LIMIT 1)
                """,
                logger: self.database.logger
            )
            var outcome: (removed: Int, oldest: Int64?) = (0, nil)
            for try await (removed, oldest) in rows.decode((Int64, Int64?).self) {
                outcome = (Int(removed), oldest)
            }
            return outcome
        }
    }

    /// The pool is the database's: nothing of the queue's own to release.
    func close() async throws {}
}
