import Foundation
import Synchronization

/// Tells replication connections that the log's durable end moved, and remembers, for the last
/// `capacity` batches, where each ended, how many messages the log had then and when: a replica's lag
/// in records and seconds is read from it.
final class DurableWatch: Sendable {
    private struct Batch {
        var end: UInt64
        var messages: UInt64
        var time: Double
    }

    private struct State {
        var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextWatcher = 0
        /// Messages published since recording started.
        var messages: UInt64 = 0
        var batches: [Batch] = []
        var oldest = 0
        /// Whether batches are remembered (a replication server runs); off, `published` only wakes.
        var recording = false
    }

    static let capacity = 1 << 16
    private let state = TracedMutex(State())

    /// Starts remembering batches (and waking watchers): a replication server serves this store.
    func startRecording() {
        state.withLock { $0.recording = true }
    }

    /// A stream that yields whenever the durable end moves (at most one element waits in it), until
    /// `stopWatching(_:)`.
    func watch() -> (id: Int, stream: AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s in
            s.nextWatcher += 1
            s.watchers[s.nextWatcher] = continuation
            return s.nextWatcher
        }
        return (id, stream)
    }

    /// Wakes one watcher (its heartbeat).
    func wake(_ id: Int) {
        state.withLock { $0.watchers[id] }?.yield()
    }

    func stopWatching(_ id: Int) {
        state.withLock { $0.watchers.removeValue(forKey: id) }?.finish()
    }

    /// A batch of `messages` messages became durable, ending at `end` (the writer thread, after publish).
    func published(end: LogPosition, messages: UInt64) {
        let watchers = state.withLock { s -> [AsyncStream<Void>.Continuation] in
            guard s.recording else { return [] }
            s.messages += messages
            let batch = Batch(end: end.packed, messages: s.messages, time: Date().timeIntervalSince1970)
            if s.batches.count < DurableWatch.capacity {
                s.batches.append(batch)
            } else {
                s.batches[s.oldest] = batch
                s.oldest = (s.oldest + 1) % DurableWatch.capacity
            }
            return s.watchers.isEmpty ? [] : Array(s.watchers.values)
        }
        for watcher in watchers { watcher.yield() }
    }

    /// How far behind a replica at `position` is: messages the log made durable after it, and the age of
    /// the oldest of them (0 and 0 when it has everything). Past the remembered batches, both are at least
    /// what is returned.
    func lag(of position: LogPosition) -> (records: UInt64, seconds: Double) {
        state.withLock { s in
            let count = s.batches.count
            guard count > 0 else { return (0, 0) }
            let newest = s.batches[(s.oldest + count - 1) % count]
            guard position.packed < newest.end else { return (0, 0) }
            // The first remembered batch ending past `position` (batches are in log order).
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                if s.batches[(s.oldest + middle) % count].end <= position.packed { low = middle + 1 } else { high = middle }
            }
            let first = s.batches[(s.oldest + low) % count]
            let before = low > 0 ? s.batches[(s.oldest + low - 1) % count].messages : first.messages - min(first.messages, 1)
            return (newest.messages - before, max(0, Date().timeIntervalSince1970 - first.time))
        }
    }
}
