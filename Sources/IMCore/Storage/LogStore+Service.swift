import NIOPosix
import ServiceLifecycle

extension LogStore {
    /// Keeps the store open until graceful shutdown or cancellation, then closes it (`close()`: drains
    /// the appends in flight, fsyncs, writes the index snapshot) on the blocking-I/O pool.
    package func run() async throws {
        try? await gracefulShutdown()
        try await NIOThreadPool.singleton.runIfActive { try self.close() }
    }
}
