import Foundation
import Testing

/// The `imctl` binary built with the tests, run as a child process.
enum Imctl {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var path: String { builtExecutable("imctl") }

    /// Runs `imctl arguments...` with only `environment` (plus a fixed COLUMNS, so help wraps the same
    /// everywhere) and `stdin`; waits for it to exit.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String = ""
    ) async throws -> Result {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ["COLUMNS": "100", "PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { process in
            exited.continuation.yield(process.terminationStatus)
            exited.continuation.finish()
        }
        try process.run()
        // Blocking reads and writes on threads of their own: the cooperative pool must stay free for the
        // in-process server the tests run.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        async let stdout = read(output.fileHandleForReading)
        async let stderr = read(errors.fileHandleForReading)
        let (out, err) = await (stdout, stderr)
        var status: Int32 = -1
        for await code in exited.stream { status = code }
        return Result(
            status: status,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }

    /// Everything `handle` yields until EOF, read on a dedicated thread.
    private static func read(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: handle.readDataToEndOfFile()) }.start()
        }
    }
}
