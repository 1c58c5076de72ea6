import Foundation
import IMDaemonKit
import Testing

/// Runs the built `imd` binary: what operators and scripts see (output, exit status).
@Suite("imd executable")
struct IMDExecutableTests {
    static var imdPath: String { builtExecutable("imd") }

    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: imdPath)
        process.arguments = arguments
        // A clean environment, so the developer's IMD_* variables cannot change the outcome.
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { first, _ in first }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        let standardError = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: standardOutput, as: UTF8.self),
            standardError: String(decoding: standardError, as: UTF8.self)
        )
    }

    @Test func versionPrintsTheFiveGoBelieveLines() throws {
        let outcome = try Self.run(["--version"])
        #expect(outcome.status == 0)
        let lines = outcome.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 5, "\(outcome.standardOutput)")
        let fields = ["Version:", "Built:", "Swift version:", "Git branch:", "Git commit:"]
        for (line, field) in zip(lines, fields) { #expect(line.hasPrefix(field), "\(line)") }
        // Values start in one column.
        let columns = Set(
            lines.map { line in
                let afterLabel = line.index(after: line.firstIndex(of: ":")!)
                let value = line[afterLabel...].firstIndex { $0 != " " } ?? line.endIndex
                return line.distance(from: line.startIndex, to: value)
            }
        )
        #expect(columns.count == 1)
        #expect(lines[0] == "Version:       \(BuildInfo.version)")
        #expect(lines[2].hasPrefix("Swift version: 6."))
        #expect(!lines[1].hasSuffix("unknown"))
        if FileManager.default.fileExists(atPath: ".git") {
            #expect(lines[3] != "Git branch:    unknown")
            #expect(lines[4].count == "Git commit:    ".count + 7)
        }
    }

    @Test func badConfigNamesKeyAndFileAndExitsTwo() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.toml", "listne = \"0.0.0.0:23000\"\n")
        let outcome = try Self.run(["--config", path])
        #expect(outcome.status == 2)
        #expect(outcome.standardError == "imd: \(path): unknown key 'listne'\n")

        let wrongType = try directory.write("wrong.toml", "[storage]\nfsync = 1\n")
        let wrong = try Self.run(["--config", wrongType, "--check-config"])
        #expect(wrong.status == 2)
        #expect(wrong.standardError.hasPrefix("imd: \(wrongType): key 'storage.fsync': expected one of batch"))
    }

    @Test func nonLoopbackAdminWithoutTokenExitsTwo() throws {
        let outcome = try Self.run(["--admin-listen", "0.0.0.0:6666", "--check-config"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.hasPrefix("imd: admin_token: required"))
    }

    @Test func badFlagExitsTwo() throws {
        let unknown = try Self.run(["--listne", "1"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("--listne"))
        let badValue = try Self.run(["--fsync", "sometimes"])
        #expect(badValue.status == 2)
        #expect(badValue.standardError.hasPrefix("imd: --fsync: expected one of batch, interval, none"))
    }

    @Test func checkConfigPrintsTheEffectiveConfiguration() throws {
        let outcome = try Self.run(
            ["--check-config", "--jwt-secret", "s3cret"],
            environment: ["IMD_LISTEN": "127.0.0.1:23001"]
        )
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("listen = \"127.0.0.1:23001\"  # from environment variable IMD_LISTEN"))
        #expect(outcome.standardOutput.contains("jwt_secret = \"<redacted>\""))
        #expect(!outcome.standardOutput.contains("s3cret"))
        #expect(outcome.standardError.contains("authentication is off"))
    }

    @Test func aMissingCertificateFileExitsTwoNamingTheFileAndKey() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.path + "/cert.pem"
        let key = try directory.write("key.pem", "not read: the certificate fails first\n")
        let outcome = try Self.run([
            "--tls-listen", "127.0.0.1:0", "--cert-file", missing, "--key-file", key, "--data-dir", directory.path,
        ])
        #expect(outcome.status == 2)
        #expect(outcome.standardError == "imd: --cert-file: cannot read '\(missing)': No such file or directory\n")

        let config = try directory.write("imd.toml", "wss_listen = \"127.0.0.1:0\"\ncert_file = \"\(missing)\"\n")
        let fromFile = try Self.run(["--config", config, "--check-config"])
        #expect(fromFile.status == 2)
        #expect(fromFile.standardError.hasPrefix("imd: \(config): key 'cert_file': needs key_file too"))
    }

    @Test func helpDocumentsExitStatus() throws {
        let outcome = try Self.run(["--help"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("Exit status"))
        #expect(outcome.standardOutput.contains("--admin-token-file"))
    }
}
