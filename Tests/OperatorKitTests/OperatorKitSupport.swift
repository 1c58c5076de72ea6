import Foundation
@_exported import IMTestSupport

/// The repository's root (this file is Tests/OperatorKitTests/OperatorKitSupport.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A file of the repository, by its path from the root.
func repositoryFile(_ path: String) -> String { repositoryRoot + "/" + path }

/// The four operator tools, built with the tests.
let operatorTools = ["imd", "imctl", "imtop", "imbench"]

/// The directory the tests' executables were built into.
var builtExecutableDirectory: String { URL(fileURLWithPath: builtExecutable("imd")).deletingLastPathComponent().path }

/// A tool on PATH (or the usual system directories), nil when it is not installed.
func installedTool(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin"]
    return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

extension ProcessOutput {
    /// For failure messages.
    var transcript: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs `executable arguments...` to its end with `environment` added to a minimal one (PATH and HOME), off
/// the concurrency pool (`ChildProcess.run`, which kills it after `timeout`).
func runCommand(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String] = [:],
    timeout: Duration = .seconds(120)
) async throws -> ProcessOutput {
    let base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
    return try await ChildProcess.run(
        executable,
        arguments,
        environment: base.merging(environment) { $1 },
        timeout: timeout
    )
}
