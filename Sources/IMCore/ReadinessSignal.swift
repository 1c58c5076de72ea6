import Synchronization

/// Tells waiters when a server is listening, and where (or that it failed to start). Once set, it stays set.
final class ReadinessSignal<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiters: [CheckedContinuation<Value, any Error>] = []
    }

    private let state = TracedMutex(State())

    func set(_ result: Result<Value, any Error>) {
        let waiters = state.withLock { s -> [CheckedContinuation<Value, any Error>] in
            guard s.result == nil else { return [] }
            s.result = result
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    func wait() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { s -> Result<Value, any Error>? in
                if s.result == nil { s.waiters.append(continuation) }
                return s.result
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
