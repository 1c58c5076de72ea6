import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The sender loop: claims the queue's front batch, POSTs it, removes it on 2xx, releases it and backs
/// off on failure.
extension PushDispatcher {
    func sendLoop(_ client: HTTPClient) async {
        var pendingWakeups = wakeups.makeAsyncIterator()
        var backoff = configuration.retryInitial
        while !isStopping {
            let batch: [PushQueueRow]
            do {
                batch = try await queue.claim(limit: configuration.batchSize, lease: lease)
            } catch {
                logger.error("reading push jobs from \(queue.place) failed: \(error)")
                await pause(backoff)
                continue
            }
            guard !batch.isEmpty else {
                // Nothing to send: wait for the writer or the poll (nil once the writer has finished).
                if await pendingWakeups.next() == nil { return }
                continue
            }
            let cutoff = Self.nowMilliseconds() - Int64(configuration.maxJobAge / .milliseconds(1))
            let fresh = batch.filter { $0.createdAt >= cutoff }
            if !fresh.isEmpty {
                if let failure = await post(fresh, client) {
                    counters.failed.add()
                    logger.warning(
                        "the push webhook \(redactedWebhook) did not take a batch of \(fresh.count): \(failure); retrying in \(backoff)",
                        metadata: ["pending": "\(stats.pending)"]
                    )
                    do { try await queue.release(batch) } catch {
                        logger.warning(
                            "releasing \(batch.count) push jobs failed (they are sent after their lease): \(error)"
                        )
                    }
                    await pause(backoff)
                    backoff = min(backoff * 2, configuration.retryMax)
                    continue
                }
                backoff = configuration.retryInitial
            }
            do {
                let (removed, oldest) = try await queue.remove(batch)
                state.withLock { s in
                    s.stored = max(0, s.stored - removed)
                    s.oldestStored = oldest
                    s.storedVersion += 1
                }
            } catch {
                // They would be sent again after a restart: say so.
                logger.error("removing \(batch.count) delivered push jobs from \(queue.place) failed: \(error)")
            }
            counters.sent.add(fresh.count)
            counters.batches.add(fresh.isEmpty ? 0 : 1)
            if fresh.count < batch.count {
                counters.expired.add(batch.count - fresh.count)
                logger.warning(
                    "dropped push jobs older than \(configuration.maxJobAge) (push_max_age): \(batch.count - fresh.count)"
                )
            }
        }
    }

    /// POSTs one batch; nil if the webhook answered 2xx, else why not.
    private func post(_ batch: [PushQueueRow], _ client: HTTPClient) async -> String? {
        var request = HTTPClientRequest(url: webhook)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        if let token = configuration.webhookToken {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        request.body = .bytes(ByteBuffer(string: PushBatch.body(batch)))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(configuration.requestTimeout))
            let answer = try await response.body.collect(upTo: 64 << 10)
            guard (200..<300).contains(response.status.code) else {
                let text = String(buffer: answer).prefix(200)
                return "HTTP \(response.status.code)\(text.isEmpty ? "" : ": \(text)")"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Sleeps `duration`, waking early when asked to finish.
    private func pause(_ duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !isStopping, ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
        }
    }

    static func nowMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
