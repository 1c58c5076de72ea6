/// The in-memory index of one queue: its entries' ids and record positions, oldest first.
///
/// Ids are strictly increasing, so every lookup by key is a binary search and every read costs
/// O(log n + returned). Group queues also keep each entry's timestamp (clamped to be non-decreasing) so
/// that a member's first sync can start at its join time.
struct QueueIndex: Sendable {
    var ids: [UInt64] = []
    var positions: [UInt64] = []
    /// Empty for personal queues.
    var timestamps: [UInt32] = []

    /// The id of the newest entry retention removed (0: none): the queue's last id once all are gone.
    var removedThrough: UInt64 = 0

    var count: Int { ids.count }
    var lastID: UInt64 { ids.last ?? removedThrough }

    /// Adds the newest entry and returns the id of the entry before it (0 when it is the first).
    @inline(__always)
    mutating func append(id: UInt64, position: LogPosition, timestamp: Int64, kind: QueueID.Kind) -> UInt64 {
        let previous = lastID
        ids.append(id)
        positions.append(position.packed)
        if kind == .group {
            let clamped = UInt32(clamping: max(timestamp, 0))
            timestamps.append(max(clamped, timestamps.last ?? 0))
        }
        return previous
    }

    /// The index of the first entry whose id is greater than `key`.
    func firstIndex(after key: UInt64) -> Int {
        if let last = ids.last, key >= last { return ids.count }
        return Self.partitionPoint(ids) { $0 <= key }
    }

    /// The number of entries with id at most `durableID` (entries past it are still being written).
    func visibleCount(durableID: UInt64) -> Int {
        firstIndex(after: durableID)
    }

    /// The index of the first entry stamped at or after `timestamp` (group queues).
    func firstIndex(notBefore timestamp: Int64) -> Int {
        guard !timestamps.isEmpty else { return 0 }
        let target = UInt32(clamping: max(timestamp, 0))
        return Self.partitionPoint(timestamps) { $0 < target }
    }

    /// The index of the first element of `sorted` for which `before` is false (binary search: `before`
    /// holds for a prefix).
    private static func partitionPoint<T>(_ sorted: [T], _ before: (T) -> Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if before(sorted[mid]) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Removes the entries written before `position` (retention deleted the segments that held them: they
    /// are the oldest, a prefix); returns how many went.
    mutating func removeEntries(before position: LogPosition) -> Int {
        let gone = Self.partitionPoint(positions) { $0 < position.packed }
        guard gone > 0 else { return 0 }
        removedThrough = ids[gone - 1]
        ids.removeFirst(gone)
        positions.removeFirst(gone)
        if !timestamps.isEmpty { timestamps.removeFirst(gone) }
        return gone
    }

    /// Removes the entries after `id` (an append the disk had no room for: never durable, never seen).
    mutating func removeEntries(after id: UInt64) {
        let keep = firstIndex(after: id)
        guard keep < ids.count else { return }
        ids.removeSubrange(keep...)
        positions.removeSubrange(keep...)
        if !timestamps.isEmpty { timestamps.removeSubrange(keep...) }
    }
}
