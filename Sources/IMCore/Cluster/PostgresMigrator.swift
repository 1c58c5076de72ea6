import PostgresNIO

/// Brings a database to `PostgresSchema.version`, applying each missing migration exactly once even when
/// several nodes start at once: they queue on one advisory lock, and each re-reads the version under it.
/// A database whose schema is newer than this binary's is refused, naming both versions.
struct PostgresMigrator {
    /// The advisory lock's key, the same for every node ("imschema").
    static let lockKey: Int64 = 0x696D_7363_6865_6D61

    let database: PostgresDatabase

    /// Migrates and returns the schema version now in force.
    func migrate() async throws -> Int {
        if let recorded = try await database.withinTimeout(
            "reading the schema version",
            { try await recordedVersion() }
        ),
            recorded == PostgresSchema.version
        {
            return recorded
        }
        return try await database.client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: database.logger)
            do {
                let version = try await migrate(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: database.logger)
                return version
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: database.logger)
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: database.logger)
                throw error
            }
        }
    }

    /// The version recorded in the database, nil if it has no schema of ours yet.
    func recordedVersion() async throws -> Int? {
        let rows = try await database.client.query(
            "SELECT to_regclass('schema_migrations') IS NOT NULL",
            logger: database.logger
        )
        var exists = false
        for try await value in rows.decode(Bool.self) { exists = value }
        guard exists else { return nil }
        return try await maximumVersion(
            database.client.query("SELECT max(version) FROM schema_migrations", logger: database.logger)
        )
    }

    private func migrate(on connection: PostgresConnection) async throws -> Int {
        let logger = database.logger
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        let current =
            try await maximumVersion(connection.query("SELECT max(version) FROM schema_migrations", logger: logger))
            ?? 0
        if current > PostgresSchema.version {
            throw PostgresSchemaTooNew(found: current, supported: PostgresSchema.version)
        }
        for version in (current + 1)..<(PostgresSchema.version + 1) {
            try await connection.query("BEGIN", logger: logger)
            for statement in PostgresSchema.migrations[version - 1] {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query("INSERT INTO schema_migrations (version) VALUES (\(version))", logger: logger)
            try await connection.query("COMMIT", logger: logger)
            logger.notice("applied PostgreSQL schema migration", metadata: ["version": "\(version)"])
        }
        return PostgresSchema.version
    }

    private func maximumVersion(_ rows: PostgresRowSequence) async throws -> Int? {
        var version: Int?
        for try await value in rows.decode(Int?.self) { version = value }
        return version
    }
}

/// The database was migrated by a newer binary: this one could misread it.
struct PostgresSchemaTooNew: Error, CustomStringConvertible {
    var found: Int
    var supported: Int

    var description: String {
        "its schema is version \(found), newer than this imd's \(supported): upgrade imd, "
            + "or point postgres_url at another database"
    }
}
