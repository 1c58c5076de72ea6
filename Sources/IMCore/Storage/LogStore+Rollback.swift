extension LogStore {
    /// The disk filled up while a batch was written (`ENOSPC`, `EDQUOT`; never after a failed fsync):
    /// nothing of it is durable or visible, so the log goes back to its durable end and the store goes on.
    ///
    /// The batch and every append encoded after it (their positions assumed its bytes) fail with
    /// `.failed`, so clients get 68; their entries leave the index (their ids are skipped, never reused);
    /// the bytes written past the durable end are cut off and segments started after it deleted. The next
    /// append tries again, so writes resume by themselves once there is room. If the log cannot even be
    /// cut back, the store stops taking writes as after any other I/O error.
    func rollBack(_ batch: PendingBatch, _ error: StoreError, writer: inout WriterState) {
        // Only this thread writes or creates segments, so what is past the durable end stays as it is here.
        let (durable, stray, last) = state.withLock { s in
            let durable = s.durablePosition
            let stray = s.segments.compactMap { $0 }.filter { segment in
                segment.number > durable.segment || (segment.number == durable.segment && durable.offset == 0)
            }
            let slot = Int(durable.segment) - 1
            return (durable, stray, durable.offset > 0 && slot < s.segments.count ? s.segments[slot] : nil)
        }
        do {
            for segment in stray { try segment.deleteFile() }
            try last?.truncate(to: Int(durable.offset))
            // Durably: a power loss must not bring back records that were refused.
            try last?.sync()
            if !stray.isEmpty { try StoreDirectory.syncDirectory(configuration.directory) }
        } catch {
            fail(batch, error)
            return
        }
        let orphaned = state.withLock { s in
            for key in s.queues.keys { s.queues[key]!.removeEntries(after: s.durableID) }
            s.writePosition = durable
            s.forget(stray)
            s.stats.failedAppends += UInt64(batch.completions.count + s.pending.completions.count)
            defer { s.pending = PendingBatch() }
            return s.pending.completions
        }
        // The next batch goes on at the durable end: in that segment, or in a new one from its start.
        writer.current = last
        writer.dirty.removeAll { segment in stray.contains { $0 === segment } }
        diskFullLog.log(0) { heldBack in
            logger.error(
                "the disk is full: appends refused until there is room (the log is back at \(durable))\(LogThrottle<Int>.more(heldBack))"
            )
        }
        let refusal = StoreError(.failed, "the disk is full: \(error.message)", systemError: error.systemError)
        for completion in batch.completions + orphaned {
            completion.callback(.failure(refusal))
        }
    }
}
