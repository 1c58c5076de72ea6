/// The cluster's schema as numbered migrations: each is a list of statements applied in one transaction
/// and recorded in `schema_migrations`. A released migration is never edited; a change is a new one.
enum PostgresSchema {
    /// The version this binary brings the database to.
    static var version: Int { migrations.count }

    static let migrations: [[String]] = [messages]

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
}
