import GRDB

extension SQLiteDirectory {
    /// The schema, one named migration per change, applied in order at open.
    ///
    /// Migrations are append-only: a released one is never edited, a change is a new `v<N>-...`
    /// migration. GRDB records the applied names in
    /// `grdb_migrations`, so opening an up-to-date file runs nothing, and a file that lists a name this
    /// build does not know was written by a newer build and is refused.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tokens") { db in
            // Keyed by the token's SHA-256: the token itself is never stored.
            try db.execute(
                sql: """
                    CREATE TABLE tokens (
                        hash BLOB NOT NULL PRIMARY KEY,
                        appid INTEGER NOT NULL,
                        uid INTEGER NOT NULL,
                        issued_at INTEGER NOT NULL,
                        expires_at INTEGER
                    ) WITHOUT ROWID
                    """
            )
        }
        migrator.registerMigration("v1-devices") { db in
            // `id` is assigned by the directory (in memory, then flushed), not by SQLite, so that
            // `deviceID(for:platform:)` never waits for the database.
            try db.execute(
                sql: """
                    CREATE TABLE devices (
                        id INTEGER PRIMARY KEY,
                        device TEXT NOT NULL,
                        platform INTEGER NOT NULL,
                        UNIQUE (device, platform)
                    )
                    """
            )
        }
        migrator.registerMigration("v1-users") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        appid INTEGER NOT NULL,
                        uid INTEGER NOT NULL,
                        sync_key INTEGER NOT NULL DEFAULT 0,
                        forbidden INTEGER NOT NULL DEFAULT 0,
                        notification_on INTEGER NOT NULL DEFAULT 0,
                        unread INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (appid, uid)
                    ) WITHOUT ROWID
                    """
            )
        }
        migrator.registerMigration("v1-group-sync-keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE group_sync_keys (
                        appid INTEGER NOT NULL,
                        uid INTEGER NOT NULL,
                        gid INTEGER NOT NULL,
                        sync_key INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (appid, uid, gid)
                    ) WITHOUT ROWID
                    """
            )
        }
        migrator.registerMigration("v2-groups") { db in
            try db.execute(
                sql: """
                    CREATE TABLE groups (
                        id INTEGER PRIMARY KEY,
                        appid INTEGER NOT NULL,
                        name TEXT NOT NULL DEFAULT '',
                        notice TEXT NOT NULL DEFAULT '',
                        master INTEGER NOT NULL,
                        super INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE group_members (
                        gid INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                        uid INTEGER NOT NULL,
                        joined_at INTEGER NOT NULL,
                        nickname TEXT NOT NULL DEFAULT '',
                        muted INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (gid, uid)
                    ) WITHOUT ROWID;
                    -- The largest id ever used, so a disbanded group's id is never handed out again.
                    CREATE TABLE group_ids (last_id INTEGER NOT NULL);
                    INSERT INTO group_ids (last_id) VALUES (0);
                    """
            )
        }
        migrator.registerMigration("v2-relations") { db in
            for table in RelationList.allCases.map(\.rawValue) {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table) (
                            appid INTEGER NOT NULL,
                            uid INTEGER NOT NULL,
                            other INTEGER NOT NULL,
                            created_at INTEGER NOT NULL,
                            PRIMARY KEY (appid, uid, other)
                        ) WITHOUT ROWID
                        """
                )
            }
        }
        return migrator
    }
}
