/// The durable queue of push jobs the dispatcher sends from (a port): `SQLitePushQueue` in `data_dir`
/// for one server, `PostgresPushQueue` in the cluster's database, where any node may send any node's jobs.
///
/// A sender **claims** the oldest jobs no other sender holds, POSTs them, and then **removes** them
/// (delivered) or **releases** them (to be tried again). Jobs are never lost between the two: a sender that
/// dies holding a claim leaves it to run out (`PostgresPushQueue`) or to the next start (`SQLitePushQueue`),
/// so delivery is at least once and each job's id, never reused, lets a webhook drop a repeat.
protocol PushQueue: Sendable {
    /// Where the jobs are, for logs: a file, or host:port/database.
    var place: String { get }
    /// Whether other servers take jobs from this queue too: then the sender looks for work every second,
    /// not only when this server queued some, and the backlog is re-read rather than counted locally.
    var isShared: Bool { get }

    /// The jobs waiting (claimed or not) and the oldest one's creation time (Unix ms).
    func backlog() async throws -> PushBacklog
    /// Appends `jobs` in one transaction, in order.
    func append(_ jobs: [PushQueueRow.New]) async throws
    /// Up to `limit` of the oldest jobs no other sender holds, oldest first, held for this sender for at
    /// least `lease`.
    func claim(limit: Int, lease: Duration) async throws -> [PushQueueRow]
    /// Hands claimed jobs back, to be claimed again.
    func release(_ batch: [PushQueueRow]) async throws
    /// Deletes delivered jobs; returns how many went and the backlog's oldest job after.
    func remove(_ batch: [PushQueueRow]) async throws -> (removed: Int, oldest: Int64?)
    /// Releases the queue's resources (not the database's pool, which others share).
    func close() async throws
}

/// A job as stored: its id, queue and JSON object (without the id).
struct PushQueueRow: Sendable, Equatable {
    /// A job to append.
    struct New: Sendable, Equatable {
        var queue: PushJob.Queue
        var json: String
        /// Unix milliseconds.
        var createdAt: Int64
    }

    var id: Int64
    var queue: PushJob.Queue
    var json: String
    /// Unix milliseconds.
    var createdAt: Int64

    /// A stored queue name; one this build does not know (written by a newer one) is sent as a peer job
    /// rather than stuck at the front.
    static func queue(named name: String) -> PushJob.Queue {
        PushJob.Queue(rawValue: name) ?? .peer
    }
}

/// How many jobs wait and since when.
struct PushBacklog: Sendable, Equatable {
    var count: Int
    /// The oldest job's creation time (Unix ms); nil when none waits.
    var oldest: Int64?
}
