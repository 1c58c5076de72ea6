import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// `MessageStore` on the cluster's database (schema in `PostgresSchema`): the same contract as
/// `LogStore`, shared by every node that points at the database.
///
/// **Group commit.** Appends wait in one list; up to `maxBatchesInFlight` batches are written at once,
/// each as one statement (its own transaction, committed with `synchronous_commit` as the server has it),
/// and a batch takes everything that waited while the others were in flight. An append completes only
/// after its batch committed; under load many messages share one commit.
final class PostgresMessageStore: MessageStore, Sendable {
    struct Append: Sendable {
        var message: NewMessage
        var queues: [QueueID]
        var completion: @Sendable (Result<AppendReceipt, StoreError>) -> Void
    }

    struct State {
        var waiting: [Append] = []
        var waitingEntries = 0
        var inFlight = 0
        var closed = false
        var drained: CheckedContinuation<Void, Never>?
        var figures = Figures()
    }

    /// What `statistics` shows: counters since start and the database's estimates, refreshed lazily.
    struct Figures {
        var appends: UInt64 = 0
        var failedAppends: UInt64 = 0
        var appendedMessages: UInt64 = 0
        var appendedEntries: UInt64 = 0
        var commits: UInt64 = 0
        var lastCommitMicroseconds: Double = 0
        var totalCommitMicroseconds: Double = 0
        var lastID: UInt64 = 0
        var largestBatch = 0
        var estimates: Estimates?
        var estimatedAt: ContinuousClock.Instant?
        var refreshing = false
    }

    /// Row counts and bytes as PostgreSQL estimates them (`pg_class.reltuples`, relation sizes).
    struct Estimates: Sendable {
        var messages: UInt64
        var entries: UInt64
        var queues: UInt64
        var bytes: UInt64
    }

    let database: PostgresDatabase
    let state = Mutex(State())
    /// Batches written at once; more appends wait and go into the next batch.
    let maxBatchesInFlight: Int
    /// The most messages and entries in one batch (one statement's arrays).
    let maxBatchMessages = 2_000
    let maxBatchEntries = 50_000

    init(database: PostgresDatabase, poolSize: Int) {
        self.database = database
        self.maxBatchesInFlight = max(1, poolSize / 2)
    }

    var logger: Logger { database.logger }

    func append(
        _ message: NewMessage,
        to queues: [QueueID],
        completion: @escaping @Sendable (Result<AppendReceipt, StoreError>) -> Void
    ) {
        if let refusal = StoreError.refusal(bodyLength: message.body.readableBytes, queueCount: queues.count) {
            return completion(.failure(refusal))
        }
        let accepted: Result<[Append]?, StoreError> = state.withLock { s in
            guard !s.closed else { return .failure(StoreError(.closed, "the store is closed")) }
            s.waiting.append(Append(message: message, queues: queues, completion: completion))
            s.waitingEntries += queues.count
            return .success(takeBatch(&s))
        }
        switch accepted {
        case .success(let batch): if let batch { launch(batch) }
        case .failure(let error): completion(.failure(error))
        }
    }

    /// The next batch, if one may start now: everything waiting, up to the batch limits.
    private func takeBatch(_ s: inout State) -> [Append]? {
        guard !s.waiting.isEmpty, s.inFlight < maxBatchesInFlight else { return nil }
        var count = 0
        var entries = 0
        for append in s.waiting {
            if count > 0 && (count == maxBatchMessages || entries + append.queues.count > maxBatchEntries) { break }
            count += 1
            entries += append.queues.count
        }
        let batch = Array(s.waiting.prefix(count))
        s.waiting.removeFirst(count)
        s.waitingEntries -= entries
        s.inFlight += 1
        s.figures.largestBatch = max(s.figures.largestBatch, count)
        return batch
    }

    private func launch(_ batch: [Append]) {
        Task {
            await write(batch)
            let next: [Append]? = state.withLock { s in
                s.inFlight -= 1
                let next = takeBatch(&s)
                if s.closed, s.inFlight == 0, s.waiting.isEmpty, let drained = s.drained {
                    s.drained = nil
                    drained.resume()
                }
                return next
            }
            if let next { launch(next) }
        }
    }

    /// Serves until graceful shutdown or cancellation, then refuses new appends and waits until every
    /// accepted one has completed (the database closes after the store: it is shut down last).
    func run() async throws {
        try? await gracefulShutdown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                s.closed = true
                if s.inFlight == 0 && s.waiting.isEmpty { return true }
                s.drained = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    func requestSnapshot() async throws -> SnapshotReport {
        throw StoreError(.unsupported, "PostgreSQL keeps its own indexes: there is no snapshot to write")
    }

    /// Fails with `.closed` once the store stopped taking appends.
    func checkOpen() throws(StoreError) {
        if state.withLock({ $0.closed }) { throw StoreError(.closed, "the store is closed") }
    }
}
