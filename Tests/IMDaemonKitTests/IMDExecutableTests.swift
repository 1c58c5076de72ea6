import Foundation
import IMDaemonKit
import Testing

/// Runs the built `imd` binary: what operators and scripts see (output, exit status).
@Suite("imd executable")
struct IMDExecutableTests {
    static var imdPath: String { builtExecutable("imd") }

    /// Runs `imd arguments...` in a clean environment (so the developer's IMD_* variables cannot change
    /// the outcome) and collects its output.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessOutput {
        try await ChildProcess.run(
            imdPath,
            arguments,
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { first, _ in first }
        )
    }

    @Test func versionPrintsTheFiveGoBelieveLines() async throws {
        let outcome = try await Self.run(["--version"])
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 5, "\(outcome.stdout)")
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

    @Test func badConfigNamesKeyAndFileAndExitsTwo() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.toml", "listne = \"0.0.0.0:23000\"\n")
        let outcome = try await Self.run(["--config", path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "imd: \(path): unknown key 'listne'\n")

        let wrongType = try directory.write("wrong.toml", "[storage]\nfsync = 1\n")
        let wrong = try await Self.run(["--config", wrongType, "--check-config"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.hasPrefix("imd: \(wrongType): key 'storage.fsync': expected one of batch"))
    }

    @Test func nonLoopbackAdminWithoutTokenExitsTwo() async throws {
        let outcome = try await Self.run(["--admin-listen", "0.0.0.0:6666", "--admin-token", "", "--check-config"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("imd: admin_token: required"))
    }

    @Test func badFlagExitsTwo() async throws {
        let unknown = try await Self.run(["--listne", "1"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--listne"))
        let badValue = try await Self.run(["--fsync", "sometimes"])
        #expect(badValue.status == 2)
        #expect(badValue.stderr.hasPrefix("imd: --fsync: expected one of batch, interval, none"))
    }

    @Test func checkConfigPrintsTheEffectiveConfiguration() async throws {
        let outcome = try await Self.run(
            ["--check-config", "--jwt-secret", "s3cret", "--admin-token", ""],
            environment: ["IMD_LISTEN": "127.0.0.1:23001"]
        )
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("listen = \"127.0.0.1:23001\"  # from environment variable IMD_LISTEN"))
        #expect(outcome.stdout.contains("jwt_secret = \"<redacted>\""))
        #expect(!outcome.stdout.contains("s3cret"))
        #expect(outcome.stderr.contains("authentication is off"))
    }

    @Test func aMissingCertificateFileExitsTwoNamingTheFileAndKey() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.path + "/cert.pem"
        let key = try directory.write("key.pem", "not read: the certificate fails first\n")
        let outcome = try await Self.run([
            "--tls-listen", "127.0.0.1:0", "--cert-file", missing, "--key-file", key, "--data-dir", directory.path,
        ])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "imd: --cert-file: cannot read '\(missing)': No such file or directory\n")

        let config = try directory.write("imd.toml", "wss_listen = \"127.0.0.1:0\"\ncert_file = \"\(missing)\"\n")
        let fromFile = try await Self.run(["--config", config, "--check-config"])
        #expect(fromFile.status == 2)
        #expect(fromFile.stderr.hasPrefix("imd: \(config): key 'cert_file': needs key_file too"))
    }

    @Test func helpDocumentsExitStatus() async throws {
        let outcome = try await Self.run(["--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("Exit status"))
        #expect(outcome.stdout.contains("--admin-token-file"))
    }
}
