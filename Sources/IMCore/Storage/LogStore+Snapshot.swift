import Dispatch

extension LogStore {
    /// The snapshot thread: writes an index snapshot whenever the writer asks, off the append path; with
    /// a retention limit set, also applies it every `retentionCheckInterval` and whenever asked.
    func runSnapshotter() {
        let retains = configuration.retention != nil || configuration.retentionBytes != nil
        var lastRetention = ContinuousClock.now
        while true {
            let woken: Bool
            if retains {
                let wait = max(.zero, configuration.retentionCheckInterval - (ContinuousClock.now - lastRetention))
                woken = snapshotWake.wait(timeout: .now() + .milliseconds(Int(wait.milliseconds.rounded(.up)))) == .success
            } else {
                snapshotWake.wait()
                woken = true
            }
            let (closing, requests, retentionRequests) = state.withLock { s in
                defer {
                    s.snapshotRequests = []
                    s.retentionRequests = []
                }
                return (s.closing, s.snapshotRequests, s.retentionRequests)
            }
            if closing {
                let refusal = StoreError(.closed, "the store is closing (it writes a snapshot as it closes)")
                for request in requests { request(.failure(refusal)) }
                for request in retentionRequests { request(.failure(refusal)) }
                return
            }
            if !retentionRequests.isEmpty || (retains && ContinuousClock.now - lastRetention >= configuration.retentionCheckInterval) {
                lastRetention = ContinuousClock.now
                let result = Result { () throws(StoreError) in try retentionPass() }
                for request in retentionRequests { request(result) }
            }
            // A wake that only asked for retention writes no snapshot.
            if woken && (!requests.isEmpty || retentionRequests.isEmpty) {
                snapshotPass(requests)
            }
        }
    }

    private func retentionPass() throws(StoreError) -> RetentionReport {
        do {
            return try applyRetention()
        } catch {
            logger.error("retention failed; the segments stay until the next pass", metadata: ["error": "\(error)"])
            throw error as? StoreError ?? StoreError(.io, "\(error)")
        }
    }

    private func snapshotPass(_ requests: [@Sendable (Result<SnapshotReport, StoreError>) -> Void]) {
        do {
            let report = try writeSnapshot()
            for request in requests { request(.success(report)) }
        } catch {
            logger.error("index snapshot failed; the next open replays more of the log", metadata: ["error": "\(error)"])
            let failure = error as? StoreError ?? StoreError(.io, "\(error)")
            for request in requests { request(.failure(failure)) }
        }
    }

    /// Asks the snapshot thread to apply retention now and waits for it (`POST /store/compact`).
    package func requestRetention() async throws -> RetentionReport {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { s in
                guard !s.closing else { return false }
                s.retentionRequests.append { continuation.resume(with: $0) }
                return true
            }
            if accepted {
                snapshotWake.signal()
            } else {
                continuation.resume(throwing: StoreError(.closed, "the store is closed"))
            }
        }
    }

    /// Asks the snapshot thread for an index snapshot now and waits for it (the admin API's
    /// `POST /store/snapshot`): the caller's thread never blocks on the file I/O.
    package func requestSnapshot() async throws -> SnapshotReport {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { s in
                guard !s.closing else { return false }
                s.snapshotRequests.append { continuation.resume(with: $0) }
                return true
            }
            if accepted {
                snapshotWake.signal()
            } else {
                continuation.resume(throwing: StoreError(.closed, "the store is closed"))
            }
        }
    }

    /// Writes every queue's durable entries and the log position they cover.
    ///
    /// The dictionary is copied under the lock (copy-on-write: O(1) now, one copy of what the writer
    /// touches next), then written without holding it. One snapshot is written at a time.
    @discardableResult
    func writeSnapshot() throws -> SnapshotReport {
        try snapshotWriting.withLock { _ in try writeSnapshotUnserialized() }
    }

    func writeSnapshotUnserialized() throws -> SnapshotReport {
        let started = ContinuousClock.now
        let (queues, lastID, covered, messages, segments) = state.withLock { s in
            (s.queues, s.durableID, s.durablePosition, s.stats.messages, s.segments)
        }
        // Under `.interval`/`.none` the covered log may not be fsynced yet: a snapshot must never point
        // past what a power loss keeps.
        let slot = Int(covered.segment) - 1
        if configuration.fsync != .batch, slot >= 0, slot < segments.count, let segment = segments[slot] {
            try segment.sync()
        }
        let size = try IndexSnapshot.write(
            directory: configuration.directory,
            queues: queues,
            lastID: lastID,
            covered: covered,
            messageCount: messages
        )
        let elapsed = ContinuousClock.now - started
        state.withLock { s in
            s.stats.snapshots += 1
            s.stats.lastSnapshotBytes = UInt64(size)
            s.stats.lastSnapshotMilliseconds = elapsed.milliseconds
        }
        logger.debug("index snapshot written", metadata: ["bytes": "\(size)", "ms": "\(elapsed.milliseconds)"])
        return SnapshotReport(
            bytes: size,
            milliseconds: elapsed.milliseconds,
            lastID: lastID,
            queues: queues.count,
            messages: messages
        )
    }
}

/// What one index snapshot wrote.
package struct SnapshotReport: Sendable, Equatable {
    /// The size of `index.snapshot`.
    package var bytes: Int
    /// How long writing it took (fsync included).
    package var milliseconds: Double
    /// Every entry up to this id is in the snapshot; a reopen replays only the log after it.
    package var lastID: UInt64
    package var queues: Int
    package var messages: UInt64
}
