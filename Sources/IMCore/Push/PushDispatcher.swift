import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The offline push hook's sender: takes jobs from the routing code, keeps them in its `PushQueue`
/// (`push.sqlite`, or the cluster's database), and POSTs them in batches to the webhook, oldest first,
/// retrying with exponential backoff.
///
/// A long-lived part owned by `IMServer`: `run()` runs in the server's structured concurrency until
/// `finish()` (which the server calls once every session is closed and the store drained, so no job can
/// come after it) or cancellation. Two loops run inside it:
/// - the writer moves the jobs `enqueue(_:)` collected into the queue every 50 ms, one transaction per
///   batch (the event loops never wait for the queue);
/// - the sender claims up to `batchSize` jobs from the front, POSTs them, and removes them once the
///   webhook answered 2xx. A failure (an error status, no answer within `requestTimeout`) releases them
///   and waits `retryInitial`, doubling up to `retryMax`, before the front is tried again.
/// A shared queue (the cluster's) is also looked at every second, for jobs other nodes queued.
///
/// Delivery is in order and at least once: a batch is removed only after a 2xx, and the sender waits for
/// an answer before the next, so in the normal case (graceful restarts included: `finish()` lets a POST in
/// flight complete) no job is sent twice or lost. A crash can lose the jobs of the last 50 ms and resend
/// the batch in flight; each job's `"id"` (never reused) lets a webhook drop such a repeat.
///
/// Bounded: past `maxPendingJobs` new jobs are dropped (counted), and jobs older than `maxJobAge` are
/// dropped (counted as expired) instead of sent.
package final class PushDispatcher: Service {
    let configuration: IMServerConfiguration.Push
    let webhook: String
    let logger: Logger
    let userAgent: String
    let queue: any PushQueue
    let state: TracedMutex<State>
    let counters = Counters()
    let wakeups: AsyncStream<Void>
    let wakeup: AsyncStream<Void>.Continuation

    struct State {
        /// Jobs not yet written to the queue.
        var buffered: [PushJob] = []
        /// Jobs being written now (taken from `buffered`, not yet counted in `stored`).
        var writing = 0
        /// Jobs in the queue (of every node, for a shared one: re-read every second).
        var stored = 0
        /// The creation time of the queue's front job (Unix ms).
        var oldestStored: Int64?
        /// Bumped by every write and removal of this node, so a backlog read that overlapped one (and may
        /// predate it) is not applied over it.
        var storedVersion = 0
        var stopping = false
        /// When a drop was last logged (Unix ms), so a flood logs once a minute.
        var lastDropLogged: Int64 = 0
    }

    final class Counters: Sendable {
        let queued = Atomic<Int>(0)
        let sent = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        let expired = Atomic<Int>(0)
        let dropped = Atomic<Int>(0)
        let batches = Atomic<Int>(0)
    }

    /// A sender from `queue` (whose backlog `run()` reads first).
    init(configuration: IMServerConfiguration.Push, queue: any PushQueue, version: String, logger: Logger) {
        guard let webhook = configuration.webhook else {
            preconditionFailure("PushDispatcher needs a webhook (IMServer makes one only when configured)")
        }
        self.configuration = configuration
        self.webhook = webhook
        self.userAgent = "swift-im/\(version)"
        var logger = logger
        logger[metadataKey: "component"] = "push"
        self.logger = logger
        self.queue = queue
        state = TracedMutex(State())
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// How long a claim holds jobs for this sender: past it, another node may send them.
    var lease: Duration { configuration.requestTimeout + .seconds(30) }

    /// The webhook without user info or query (which may hold secrets), for logs and `/summary`.
    var redactedWebhook: String {
        guard var components = URLComponents(string: webhook) else { return "(webhook)" }
        components.user = nil
        components.password = nil
        components.query = nil
        return components.string ?? "(webhook)"
    }

    /// Queues jobs for the webhook; never blocks. Jobs past `maxPendingJobs` are dropped and counted.
    /// Called by `MessageService.pushOffline(_:)` on any thread.
    func enqueue(_ jobs: [PushJob]) {
        let now = Self.nowMilliseconds()
        let (accepted, logDrop) = state.withLock { s -> (Int, Bool) in
            let room = max(0, configuration.maxPendingJobs - s.stored - s.writing - s.buffered.count)
            let accepted = min(room, jobs.count)
            s.buffered.append(contentsOf: jobs.prefix(accepted))
            guard accepted < jobs.count, now - s.lastDropLogged >= 60_000 else { return (accepted, false) }
            s.lastDropLogged = now
            return (accepted, true)
        }
        counters.queued.add(accepted)
        if accepted < jobs.count {
            counters.dropped.add(jobs.count - accepted)
            if logDrop {
                logger.warning(
                    "dropping push jobs: \(configuration.maxPendingJobs) are pending (push_max_pending); is the webhook \(redactedWebhook) down?"
                )
            }
        }
    }

    /// The figures for `/summary` and `/metrics`.
    var stats: PushStats {
        let now = Self.nowMilliseconds()
        let (pending, oldest) = state.withLock { s in
            (s.stored + s.writing + s.buffered.count, s.oldestStored ?? s.buffered.first?.createdAt)
        }
        return PushStats(
            webhook: redactedWebhook,
            queued: counters.queued.value,
            sent: counters.sent.value,
            failed: counters.failed.value,
            expired: counters.expired.value,
            dropped: counters.dropped.value,
            batches: counters.batches.value,
            pending: pending,
            oldestAgeSeconds: oldest.map { Double(max(0, now - $0)) / 1000 } ?? 0
        )
    }

    /// Writes and sends until graceful shutdown (or `finish()`); then lets a POST in flight complete,
    /// writes what is buffered and closes the store. The server shuts it down last, when no job can come
    /// any more. On cancellation it stops at once (the jobs written stay for the next start).
    package func run() async throws {
        if let backlog = await readBacklog(), backlog.count > 0 {
            logger.info(
                "\(backlog.count) push jobs are pending from the last run (\(queue.place)); sending them to \(redactedWebhook)"
            )
        }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        await withTaskGroup(of: Void.self) { loops in
            loops.addTask { await self.writeLoop() }
            loops.addTask { await self.sendLoop(client) }
            if queue.isShared { loops.addTask { await self.pollLoop() } }
            loops.addTask {
                try? await gracefulShutdown()
                self.finish()
            }
        }
        try? await client.shutdown()
        do {
            try await queue.close()
        } catch {
            logger.error("closing \(queue.place) failed: \(error)")
        }
    }

    /// Reads how many jobs wait (of every node, for a shared queue); nil if it could not.
    @discardableResult
    func readBacklog() async -> PushBacklog? {
        do {
            let version = state.withLock { $0.storedVersion }
            let backlog = try await queue.backlog()
            state.withLock { s in
                guard s.storedVersion == version else { return }
                s.stored = backlog.count
                s.oldestStored = backlog.oldest
            }
            return backlog
        } catch {
            logger.error("reading the push backlog of \(queue.place) failed: \(error)")
            return nil
        }
    }

    /// For a shared queue: every second, re-reads the backlog and wakes the sender for jobs other nodes
    /// queued.
    private func pollLoop() async {
        while !isStopping {
            try? await Task.sleep(for: .seconds(1))
            guard !isStopping else { return }
            await readBacklog()
            wakeup.yield()
        }
    }

    /// Asks `run()` to finish: no job is expected after this.
    func finish() {
        state.withLock { $0.stopping = true }
    }

    var isStopping: Bool { state.withLock { $0.stopping } || Task.isCancelled }

    // MARK: Writing

    private func writeLoop() async {
        while true {
            let stopping = isStopping
            await writeBuffered()
            if stopping {
                wakeup.finish()
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private func writeBuffered() async {
        let jobs = state.withLock { s -> [PushJob] in
            let jobs = s.buffered
            s.buffered = []
            s.writing = jobs.count
            return jobs
        }
        guard !jobs.isEmpty else { return }
        do {
            try await queue.append(
                jobs.map { PushQueueRow.New(queue: $0.queue, json: $0.json(), createdAt: $0.createdAt) }
            )
            state.withLock { s in
                s.writing = 0
                s.stored += jobs.count
                s.storedVersion += 1
                if s.oldestStored == nil { s.oldestStored = jobs[0].createdAt }
            }
            wakeup.yield()
        } catch {
            // Kept in memory, in order, for the next attempt.
            state.withLock { s in
                s.writing = 0
                s.buffered.insert(contentsOf: jobs, at: 0)
            }
            logger.error(
                "writing \(jobs.count) push jobs to \(queue.place) failed (kept in memory, retrying): \(error)"
            )
        }
    }
}
