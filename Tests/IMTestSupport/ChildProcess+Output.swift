import Foundation

/// What a child process printed and how it ended.
package struct ProcessOutput: Sendable {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// A child that did not finish within its time.
package struct ProcessTimeout: Error, CustomStringConvertible {
    package var command: String
    package var description: String { "\(command) did not finish in time" }
}

extension ChildProcess {
    /// Runs `path arguments...` to its end and collects its output; killed (and `ProcessTimeout` thrown)
    /// after `timeout`.
    ///
    /// Every blocking step (writing `stdin`, reading the pipes, waiting for the exit) happens on a thread of
    /// its own: the concurrency pool must stay free for the in-process servers the tests run.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil keeps the test process's.
    ///   - stdin: written to the child's standard input, which is then closed.
    package static func run(
        _ path: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: String = "",
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessOutput {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        Thread {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        }.start()
        async let stdout = readToEnd(output.fileHandleForReading)
        async let stderr = readToEnd(errors.fileHandleForReading)
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await process.waitForExit()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next()!
            if !first { kill(process.processIdentifier, SIGKILL) }
            group.cancelAll()
            await process.waitForExit()
            return first
        }
        let (out, err) = await (stdout, stderr)
        guard finished else { throw ProcessTimeout(command: ([path] + arguments).joined(separator: " ")) }
        return ProcessOutput(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }
}

/// Everything `handle` gives until its end, read on a thread of its own.
package func readToEnd(_ handle: FileHandle) async -> Data {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: handle.readDataToEndOfFile()) }.start()
    }
}

/// The chunks `handle` gives until its end, read on a thread of its own (for output read while the
/// child runs).
package func chunks(of handle: FileHandle) -> AsyncStream<Data> {
    let (stream, continuation) = AsyncStream<Data>.makeStream()
    Thread {
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            continuation.yield(data)
        }
        continuation.finish()
    }.start()
    return stream
}

/// Runs `body` on a thread of its own and waits for its result without holding a thread of the
/// concurrency pool (for blocking work in an async test).
package func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
