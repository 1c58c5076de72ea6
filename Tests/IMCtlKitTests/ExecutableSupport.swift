import Foundation
import Testing

/// The `imctl` binary built with the tests, run as a child process.
enum Imctl {
    typealias Result = ProcessOutput

    static var path: String { builtExecutable("imctl") }

    /// Runs `imctl arguments...` with only `environment` (plus a fixed COLUMNS, so help wraps the same
    /// everywhere) and `stdin`; waits for it to exit.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String = ""
    ) async throws -> Result {
        try await ChildProcess.run(
            path,
            arguments,
            environment: ["COLUMNS": "100", "PATH": "/usr/bin:/bin"].merging(environment) { $1 },
            stdin: stdin
        )
    }
}
