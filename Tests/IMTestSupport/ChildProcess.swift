import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process for the tests, started with `posix_spawn`: the subset of `Foundation.Process` the tests
/// use, with the same names.
///
/// Why not `Process`: on Linux its `run()` scans `/proc/self/fd` with a 256-byte over-read of each
/// directory entry and crashes the whole test process now and then (swift-corelibs-foundation PR #5472,
/// seen here in a CI run while several tests started children). This spawns directly and has the child
/// close every descriptor above 2 (`posix_spawn_file_actions_addclosefrom_np`), so children started at
/// the same time never inherit each other's pipes.
package final class ChildProcess: @unchecked Sendable {
    // Configured before `run()`, read-only after (as with `Process`).
    package var executableURL: URL?
    package var arguments: [String] = []
    /// nil: the test process's environment.
    package var environment: [String: String]?
    /// `Pipe`, `FileHandle`, or nil to share the test process's.
    package var standardInput: Any?
    package var standardOutput: Any?
    package var standardError: Any?
    /// Called on a thread of its own once the child has exited.
    package var terminationHandler: (@Sendable (ChildProcess) -> Void)?

    /// How the child ended.
    package enum TerminationReason: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    private struct State {
        var pid: pid_t = 0
        /// The raw `waitpid` status once the child has exited.
        var status: Int32?
        /// `waitForExit()` callers waiting for the child.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// The child's pid (0 before `run()`).
    package var processIdentifier: Int32 { state.withLock { $0.pid } }

    /// Whether the child was started and has not exited yet.
    package var isRunning: Bool { state.withLock { $0.pid != 0 && $0.status == nil } }

    /// The exit code, or the number of the signal that ended the child.
    package var terminationStatus: Int32 {
        guard let status = state.withLock({ $0.status }) else { preconditionFailure("the child is still running") }
        return Self.exitedNormally(status) ? (status >> 8) & 0xff : status & 0x7f
    }

    package var terminationReason: TerminationReason {
        guard let status = state.withLock({ $0.status }) else { preconditionFailure("the child is still running") }
        return Self.exitedNormally(status) ? .exit : .uncaughtSignal
    }

    /// Starts the child. Throws if it cannot be spawned (the error names the executable).
    package func run() throws {
        guard let executableURL else { throw ChildProcessError("no executable") }
        let path = executableURL.path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, target) in [(standardInput, Int32(0)), (standardOutput, 1), (standardError, 2)] {
            if let fd = Self.descriptor(stream, forReading: target == 0) {
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else {
            throw ChildProcessError("cannot start \(path): \(String(cString: strerror(result)))")
        }
        // The parent's copies of the child's ends go, so the other ends see EOF when the child exits.
        if let pipe = standardInput as? Pipe { try? pipe.fileHandleForReading.close() }
        for case let pipe as Pipe in [standardOutput, standardError] { try? pipe.fileHandleForWriting.close() }
        let child = pid
        state.withLock { $0.pid = child }
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            let waiters = state.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
            terminationHandler?(self)
        }
        thread.start()
    }

    /// Waits until the child has exited, without holding a thread: a blocking wait on the concurrency
    /// pool (two threads on a 2-core machine) would starve the in-process servers of the other tests.
    package func waitForExit() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                guard state.status == nil else { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Blocks until the child has exited. Only for `defer` blocks, which cannot await; elsewhere await
    /// `waitForExit()`.
    package func waitUntilExit() {
        while isRunning { usleep(1000) }
    }

    /// Sends SIGTERM.
    package func terminate() {
        let pid = processIdentifier
        if pid != 0 { kill(pid, SIGTERM) }
    }

    private static func exitedNormally(_ status: Int32) -> Bool { status & 0x7f == 0 }

    private static func descriptor(_ stream: Any?, forReading: Bool) -> Int32? {
        switch stream {
        case let pipe as Pipe:
            forReading ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
        case let handle as FileHandle: handle.fileDescriptor
        default: nil
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not
    /// export; nil where it is missing (then children inherit what is not close-on-exec).
    private static let addCloseFrom:
        (
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        )? = {
            guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
            return unsafeBitCast(
                symbol,
                to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self
            )
        }()
}

/// A child process that could not be started.
package struct ChildProcessError: Error, CustomStringConvertible {
    package var description: String

    init(_ description: String) { self.description = description }
}
