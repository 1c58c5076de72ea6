import PostgresNIO

extension PostgresMessageStore {
    /// How old the database's estimates may be before reading `statistics` asks for new ones.
    private static let estimatesMaxAge: Duration = .seconds(10)

    /// The port's figures: appends and commits counted by this server since it started; messages, entries,
    /// queues and bytes are the database's (every node's), as PostgreSQL estimates them, refreshed in the
    /// background at most every 10 s.
    var statistics: MessageStoreStatistics {
        let (figures, refresh) = state.withLock { s -> (Figures, Bool) in
            let stale = s.figures.estimatedAt.map { ContinuousClock.now - $0 > Self.estimatesMaxAge } ?? true
            let refresh = stale && !s.figures.refreshing && !s.closed
            if refresh { s.figures.refreshing = true }
            return (s.figures, refresh)
        }
        if refresh { Task { await refreshEstimates() } }
        var statistics = MessageStoreStatistics(backend: "postgres")
        let estimates = figures.estimates
        statistics.messages = max(estimates?.messages ?? 0, figures.appendedMessages)
        statistics.entries = max(estimates?.entries ?? 0, figures.appendedEntries)
        statistics.queues = Int(estimates?.queues ?? 0)
        statistics.bytes = estimates?.bytes ?? 0
        statistics.lastID = figures.lastID
        statistics.appends = figures.appends
        statistics.failedAppends = figures.failedAppends
        statistics.fsyncs = figures.commits
        statistics.lastFsyncMicroseconds = figures.lastCommitMicroseconds
        statistics.averageFsyncMicroseconds =
            figures.commits == 0 ? 0 : figures.totalCommitMicroseconds / Double(figures.commits)
        statistics.details = [
            "schema_version": .count(UInt64(database.schemaVersion)),
            "database": .text(database.place),
            "largest_batch": .count(UInt64(figures.largestBatch)),
            "messages_per_commit": .value(
                figures.commits == 0 ? 0 : Double(figures.appendedMessages) / Double(figures.commits)
            ),
        ]
        return statistics
    }

    private func refreshEstimates() async {
        let estimates = try? await database.withinTimeout("reading the table estimates") {
            let rows = try await self.database.client.query(
                """
                SELECT
                    (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'messages'::regclass),
                    (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'queue_entries'::regclass),
                    (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'queues'::regclass),
                    pg_total_relation_size('messages') + pg_total_relation_size('queue_entries')
                        + pg_total_relation_size('queues')
                """,
                logger: self.logger
            )
            var estimates: Estimates?
            for try await (messages, entries, queues, bytes) in rows.decode((Int64, Int64, Int64, Int64).self) {
                estimates = Estimates(
                    messages: UInt64(messages),
                    entries: UInt64(entries),
                    queues: UInt64(queues),
                    bytes: UInt64(bytes)
                )
            }
            return estimates
        }
        state.withLock { s in
            s.figures.refreshing = false
            s.figures.estimatedAt = .now
            if let estimates { s.figures.estimates = estimates }
        }
    }
}
