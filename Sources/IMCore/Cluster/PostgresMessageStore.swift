import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// `MessageStore` on the cluster's database (schema in `PostgresSchema`): the same contract as
/// `LogStore`, shared by every node that points at the database.
///
/// **Group commit.** Appends wait in one list. A batch is written as one statement (its own transaction,
/// committed with `synchronous_commit` as the server has it) and takes, in order, what waited while the
/// batches before it were written; an append completes only after its batch committed, and under load
/// many messages share one commit. Up to `maxBatchesInFlight` batches are written at once, but never two
/// that share a queue: an append naming a queue of a batch in flight waits for the next batch, and so
/// does every later append naming one of its queues. Otherwise two batches could take a queue's head
/// lock in either order and key a later message before an earlier one (a sender's window of 100 saw its
/// messages reordered).
final class PostgresMessageStore: MessageStore, Sendable {
    struct Append: Sendable {
        var message: NewMessage
        var queues: [QueueID]
        var completion: @Sendable (Result<AppendReceipt, StoreError>) -> Void
    }

    struct State {
        var waiting: [Append] = []
        var inFlight = 0
        /// The queues of the batches in flight, with how many of them name each.
        var busy: [QueueID: Int] = [:]
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
    let state = TracedMutex(State())
    /// The most messages and entries in one batch (one statement's arrays).
    let maxBatchMessages = 2_000
    let maxBatchEntries = 50_000

    /// Batches written at once (on queues no two of them share).
    let maxBatchesInFlight = 4

    init(database: PostgresDatabase) {
        self.database = database
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
            return .success(takeBatch(&s))
        }
        switch accepted {
        case .success(let batch): if let batch { launch(batch) }
        case .failure(let error): completion(.failure(error))
        }
    }

    /// The next batch, if one may start now: what waits, in order, up to the batch limits, leaving out the
    /// appends that name a queue of a batch in flight or of an append left out before them.
    private func takeBatch(_ s: inout State) -> [Append]? {
        guard !s.waiting.isEmpty, s.inFlight < maxBatchesInFlight else { return nil }
        var blocked = Set(s.busy.keys)
        var batch: [Append] = []
        var left: [Append] = []
        var entries = 0
        for append in s.waiting {
            let full =
                !batch.isEmpty && (batch.count == maxBatchMessages || entries + append.queues.count > maxBatchEntries)
            if full || append.queues.contains(where: blocked.contains) {
                left.append(append)
                if !full { blocked.formUnion(append.queues) }
            } else {
                batch.append(append)
                entries += append.queues.count
            }
        }
        guard !batch.isEmpty else { return nil }
        s.waiting = left
        s.inFlight += 1
        for append in batch {
            for queue in append.queues { s.busy[queue, default: 0] += 1 }
        }
        s.figures.largestBatch = max(s.figures.largestBatch, batch.count)
        return batch
    }

    private func launch(_ batch: [Append]) {
        Task {
            await write(batch)
            let next: [[Append]] = state.withLock { s in
                s.inFlight -= 1
                for append in batch {
                    for queue in append.queues {
                        let count = s.busy[queue, default: 1] - 1
                        s.busy[queue] = count == 0 ? nil : count
                    }
                }
                var next: [[Append]] = []
                while let batch = takeBatch(&s) { next.append(batch) }
                if s.closed, s.inFlight == 0, s.waiting.isEmpty, let drained = s.drained {
                    s.drained = nil
                    drained.resume()
                }
                return next
            }
            for batch in next { launch(batch) }
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

    func requestRetention() async throws -> RetentionReport {
        throw StoreError(
            .unsupported,
            "retention and compaction are the embedded log store's; on PostgreSQL, delete or partition old messages in the database"
        )
    }

    /// Fails with `.closed` once the store stopped taking appends.
    func checkOpen() throws(StoreError) {
        if state.withLock({ $0.closed }) { throw StoreError(.closed, "the store is closed") }
    }
}
