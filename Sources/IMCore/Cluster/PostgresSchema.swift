/// The cluster's schema as numbered migrations: each is a list of statements applied in one transaction
/// and recorded in `schema_migrations`. A released migration is never edited; a change is a new one.
enum PostgresSchema {
    /// The version this binary brings the database to.
    static var version: Int { migrations.count }

    static let migrations: [[String]] = [messages, directory, push, nodes, adminAddresses]

    /// 1: messages. A body is stored once (`messages`); each queue it goes to gets an entry
    /// (`queue_entries`) keyed by the queue's own sequence, whose newest key is `queues.last_key`. An
    /// append takes the row locks of its queues' heads in one fixed order (kind, appid, owner) and holds
    /// them until its commit, so a queue's keys are handed out in commit order: an entry never becomes
    /// visible behind a key a reader has already seen (a global sequence would allow that: id 100 can
    /// commit after id 101 was read). A sync of N entries is N steps of the entries' primary key from
    /// its start key: O(N + log history). An entry names its body without a foreign key: both are
    /// written by one statement and bodies are never deleted, and the check would cost a lookup and a row
    /// lock per entry (200 for one message to a 200-member group).
    private static let messages = [
        """
        CREATE TABLE queues (
            kind smallint NOT NULL,
            appid bigint NOT NULL,
            owner bigint NOT NULL,
            last_key bigint NOT NULL,
            PRIMARY KEY (kind, appid, owner)
        )
        """,
        "CREATE SEQUENCE message_ids CACHE 100",
        """
        CREATE TABLE messages (
            id bigint PRIMARY KEY,
            command smallint NOT NULL,
            body bytea NOT NULL,
            sender_device bigint NOT NULL,
            stamped bigint NOT NULL
        )
        """,
        """
        CREATE TABLE queue_entries (
            kind smallint NOT NULL,
            appid bigint NOT NULL,
            owner bigint NOT NULL,
            key bigint NOT NULL,
            message_id bigint NOT NULL,
            PRIMARY KEY (kind, appid, owner, key)
        )
        """,
    ]

    /// 2: the directory. Tokens by the SHA-256 of the token (never the token); device ids from a sequence
    /// shared by every node; sync keys (`gid` 0: the personal one) that only grow; groups with ids from a
    /// sequence that explicit ids push forward, so a picked id is never reused.
    private static let directory = [
        """
        CREATE TABLE tokens (
            hash bytea PRIMARY KEY,
            appid bigint NOT NULL,
            uid bigint NOT NULL,
            issued_at bigint NOT NULL,
            expires_at bigint
        )
        """,
        """
        CREATE TABLE devices (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            device text NOT NULL,
            platform smallint NOT NULL,
            UNIQUE (device, platform)
        )
        """,
        """
        CREATE TABLE sync_keys (
            appid bigint NOT NULL,
            uid bigint NOT NULL,
            gid bigint NOT NULL,
            key bigint NOT NULL,
            PRIMARY KEY (appid, uid, gid)
        )
        """,
        """
        CREATE TABLE unread_counts (
            appid bigint NOT NULL,
            uid bigint NOT NULL,
            count integer NOT NULL,
            PRIMARY KEY (appid, uid)
        )
        """,
        """
        CREATE TABLE preferences (
            appid bigint NOT NULL,
            uid bigint NOT NULL,
            forbidden boolean NOT NULL,
            notification_on boolean NOT NULL,
            PRIMARY KEY (appid, uid)
        )
        """,
        "CREATE SEQUENCE group_ids",
        """
        CREATE TABLE groups (
            id bigint PRIMARY KEY,
            appid bigint NOT NULL,
            name text NOT NULL,
            notice text NOT NULL,
            master bigint NOT NULL,
            is_super boolean NOT NULL
        )
        """,
        "CREATE INDEX groups_by_app ON groups (appid, id)",
        """
        CREATE TABLE group_members (
            gid bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
            uid bigint NOT NULL,
            joined_at bigint NOT NULL,
            nickname text NOT NULL,
            muted boolean NOT NULL,
            PRIMARY KEY (gid, uid)
        )
        """,
        """
        CREATE TABLE relations (
            list smallint NOT NULL,
            appid bigint NOT NULL,
            uid bigint NOT NULL,
            other bigint NOT NULL,
            created_at bigint NOT NULL,
            PRIMARY KEY (list, appid, uid, other)
        )
        """,
    ]

    /// 3: the offline push queue, shared by every node: ids from the table's sequence (never reused, so a
    /// webhook can drop a repeat); `claimed_until` is the lease of the node sending a job (NULL: nobody).
    private static let push = [
        """
        CREATE TABLE push_jobs (
            id bigserial PRIMARY KEY,
            queue text NOT NULL,
            job text NOT NULL,
            created_at bigint NOT NULL,
            claimed_until timestamptz
        )
        """
    ]

    /// 5: each node's admin API (`http://HOST:PORT`), so that imtop given one node finds the others.
    private static let adminAddresses = ["ALTER TABLE nodes ADD COLUMN admin text"]

    /// 4: the cluster: a row per node (its addresses, load and lease: live while `lease_until` is in the
    /// future), and which users have sessions on which node (`mobile`: one of them is on iOS or Android,
    /// for the offline push decision). Rows of a dead node are ignored and then removed.
    private static let nodes = [
        """
        CREATE TABLE nodes (
            id text PRIMARY KEY,
            incarnation bigint NOT NULL,
            tcp text,
            tls text,
            ws text,
            wss text,
            version text NOT NULL,
            started_at timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL,
            lease_until timestamptz NOT NULL,
            connections bigint NOT NULL DEFAULT 0,
            messages_per_second double precision NOT NULL DEFAULT 0,
            cpu double precision NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE presence (
            appid bigint NOT NULL,
            uid bigint NOT NULL,
            node text NOT NULL,
            mobile boolean NOT NULL,
            PRIMARY KEY (appid, uid, node)
        )
        """,
        "CREATE INDEX presence_by_node ON presence (node)",
    ]
}
