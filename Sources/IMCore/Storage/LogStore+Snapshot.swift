extension LogStore {
    /// The snapshot thread: writes an index snapshot whenever the writer asks, off the append path.
    func runSnapshotter() {
        while true {
            snapshotWake.wait()
            if state.withLock({ $0.closing }) { return }
            do {
                try writeSnapshot()
            } catch {
                logger.error(
                    "index snapshot failed; the next open replays more of the log",
                    metadata: ["error": "\(error)"]
                )
            }
        }
    }

    /// Writes every queue's durable entries and the log position they cover.
    ///
    /// The dictionary is copied under the lock (copy-on-write: O(1) now, one copy of what the writer
    /// touches next), then written without holding it.
    func writeSnapshot() throws {
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
    }
}
