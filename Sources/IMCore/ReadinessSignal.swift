import Synchronization

/// Tells waiters when a server is listening (or that it failed to start). Once set, it stays set.
final class ReadinessSignal: Sendable {
    private struct State {
        var result: Result<IMServerAddresses, any Error>?
        var waiters: [CheckedContinuation<IMServerAddresses, any Error>] = []
    }

    private let state = Mutex(State())

    func set(_ result: Result<IMServerAddresses, any Error>) {
        let waiters = state.withLock { s -> [CheckedContinuation<IMServerAddresses, any Error>] in
            guard s.result == nil else { return [] }
            s.result = result
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    func wait() async throws -> IMServerAddresses {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { s -> Result<IMServerAddresses, any Error>? in
                if s.result == nil { s.waiters.append(continuation) }
                return s.result
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
