import AsyncAlgorithms
import ServiceLifecycle

extension SQLiteDirectory {
    /// Flushes the batched writes (device ids, sync keys, unread counts) every 100 ms until graceful
    /// shutdown or cancellation, then closes the directory (a last flush first).
    package func run() async throws {
        // The timer ends on graceful shutdown and on cancellation alike; the directory is closed either way.
        for await _ in AsyncTimerSequence(interval: .milliseconds(100), clock: .continuous).cancelOnGracefulShutdown() {
            do { try await flush() } catch { logger.error("directory flush failed: \(error)") }
        }
        try await close()
    }
}
