import Synchronization

/// Answers a remote directory reads from memory for `lifetime`, then asks the database again: what another
/// server changed is seen within `lifetime`; what this server changed, at once (`invalidate`).
///
/// A value read before an invalidation is not kept (each key's generation changes), so a read that
/// raced a local write never caches the old value.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var generation: UInt64 = 0
    }

    private let state = TracedMutex(State())
    let lifetime: Duration
    /// Past this many entries the expired ones are dropped (and all of them if none had expired).
    let capacity: Int

    init(lifetime: Duration, capacity: Int = 100_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached value, if fresh, and the generation a read started now must present to `store`.
    func lookup(_ key: Key) -> (value: Value?, generation: UInt64) {
        state.withLock { s in
            guard let entry = s.entries[key], entry.expires > .now else { return (nil, s.generation) }
            return (entry.value, s.generation)
        }
    }

    /// Keeps `value`, read when the cache was at `generation`, unless something was invalidated since.
    func store(_ key: Key, _ value: Value, generation: UInt64) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.entries.count >= capacity {
                let now = ContinuousClock.now
                s.entries = s.entries.filter { $0.value.expires > now }
                if s.entries.count >= capacity { s.entries = [:] }
            }
            s.entries[key] = Entry(value: value, expires: .now + lifetime)
        }
    }

    /// Forgets `key` (nil: everything) after a local write.
    func invalidate(_ key: Key? = nil) {
        state.withLock { s in
            s.generation &+= 1
            if let key { s.entries[key] = nil } else { s.entries = [:] }
        }
    }

    /// The cached value if fresh, else `load`'s (then kept).
    func value(_ key: Key, load: () async throws -> Value) async throws -> Value {
        let (cached, generation) = lookup(key)
        if let cached { return cached }
        let value = try await load()
        store(key, value, generation: generation)
        return value
    }
}
