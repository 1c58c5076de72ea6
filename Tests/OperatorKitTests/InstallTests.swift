import Foundation
import Synchronization
import Testing

/// `scripts/install.sh` into a temporary PREFIX with the binaries built for the tests, and the systemd
/// unit it installs.
@Suite("install.sh and imd.service")
struct InstallTests {
    static let script = repositoryFile("scripts/install.sh")
    /// An install with the debug binaries takes ~30 s on an idle 2-core machine (imctl's zsh completion
    /// alone takes seconds in a debug build); a loaded one needs far more.
    static let installTime: Duration = .seconds(900)

    /// One installation (with the debug binaries, ~470 MB and a completion script per tool and shell) for
    /// the tests that only read it; removed when the test process exits.
    static let sharedInstall = Task<String, any Error> {
        let directory = TemporaryDirectory()
        removeAtExit(directory.path)
        let prefix = directory.file("prefix")
        let outcome = try await runCommand(
            Self.script,
            ["--bin-dir", builtExecutableDirectory, prefix],
            timeout: Self.installTime
        )
        guard outcome.status == 0 else { throw InstallFailure(description: outcome.transcript) }
        return prefix
    }

    static func withInstall(_ body: (String) async throws -> Void) async throws {
        try await body(try await sharedInstall.value)
    }

    @Test func installsBinariesPagesCompletionsConfigAndUnit() async throws {
        try await Self.withInstall { prefix in
            let files = FileManager.default
            for tool in operatorTools {
                #expect(files.isExecutableFile(atPath: "\(prefix)/bin/\(tool)"), "bin/\(tool)")
                #expect(files.fileExists(atPath: "\(prefix)/share/man/man1/\(tool).1"), "man1/\(tool).1")
                for path in [
                    "share/bash-completion/completions/\(tool)", "share/zsh/site-functions/_\(tool)",
                    "share/fish/vendor_completions.d/\(tool).fish",
                ] {
                    let size = (try? files.attributesOfItem(atPath: "\(prefix)/\(path)")[.size] as? Int) ?? 0
                    #expect(size > 100, "\(path)")
                }
            }
            for path in ["imd.toml.example", "grafana/swift-im.json", "prometheus/alerts.yml", "README.md"] {
                #expect(files.fileExists(atPath: "\(prefix)/share/doc/swift-im/\(path)"), "\(path)")
            }
            let example = try String(contentsOfFile: repositoryFile("docs/imd.toml.example"), encoding: .utf8)
            #expect(try String(contentsOfFile: "\(prefix)/etc/imd/imd.toml", encoding: .utf8) == example)
            let token = try String(contentsOfFile: "\(prefix)/etc/imd/admin-token", encoding: .utf8)
            #expect(token.wholeMatch(of: /[0-9a-f]{32}\n/) != nil, "a random token: \(token)")
            let mode = try files.attributesOfItem(atPath: "\(prefix)/etc/imd/admin-token")[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(files.fileExists(atPath: "\(prefix)/lib/sysusers.d/imd.conf"))

            // The installed imd takes the installed config and token, as the unit runs it.
            let check = try await runCommand(
                "\(prefix)/bin/imd",
                ["--config", "\(prefix)/etc/imd/imd.toml", "--check-config"],
                environment: [
                    "IMD_ADMIN_TOKEN_FILE": "\(prefix)/etc/imd/admin-token", "IMD_DATA_DIR": prefix + "/data",
                ]
            )
            #expect(check.status == 0, "\(check.transcript)")
            #expect(check.stdout.contains("# admin_token is read from admin_token_file"))
        }
    }

    @Test func theUnitRunsTheInstalledImdHardened() async throws {
        try await Self.withInstall { prefix in
            let unit = try String(contentsOfFile: "\(prefix)/lib/systemd/system/imd.service", encoding: .utf8)
            #expect(!unit.contains("@BINDIR@") && !unit.contains("@SYSCONFDIR@"))
            for line in [
                "Type=notify", "ExecStart=\(prefix)/bin/imd --config \(prefix)/etc/imd/imd.toml",
                "LoadCredential=admin-token:\(prefix)/etc/imd/admin-token", "KillSignal=SIGTERM", "TimeoutStopSec=",
                "LimitNOFILE=1048576", "User=imd", "StateDirectory=imd", "ReadWritePaths=/var/lib/imd",
                "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "ExecReload=/bin/kill -HUP $MAINPID",
            ] {
                #expect(unit.contains("\n" + line), "imd.service has \(line)")
            }
        }
    }

    @Test(
        .enabled(
            if: installedTool("systemd-analyze") != nil,
            "systemd-analyze is not installed (apt-get install systemd)"
        )
    )
    func systemdAnalyzeVerifiesTheUnit() async throws {
        let analyze = try #require(installedTool("systemd-analyze"))
        try await Self.withInstall { prefix in
            let unit = "\(prefix)/lib/systemd/system/imd.service"
            // man:imd(1) must resolve: the installed page is found through MANPATH.
            let verify = try await runCommand(
                analyze,
                ["verify", unit],
                environment: ["MANPATH": "\(prefix)/share/man:"]
            )
            #expect(verify.status == 0, "\(verify.transcript)")
            #expect(!verify.stderr.contains(unit), "no complaint about the unit: \(verify.transcript)")
            // systemd's own score of the sandboxing (0 = fully locked down, 10 = none); 1.5 when written.
            let security = try await runCommand(analyze, ["security", "--offline=yes", "--no-pager", unit])
            #expect(security.status == 0, "\(security.transcript)")
            let level = security.stdout.firstMatch(of: /Overall exposure level for imd.service: (\d+\.\d+)/)
            let exposure = try #require(level.flatMap { Double($0.1) }, "\(security.transcript)")
            #expect(exposure <= 2.0, "exposure \(exposure): \(security.stdout)")
        }
    }

    /// An existing config and token survive an install; a bad command line is refused before anything.
    @Test func installingKeepsTheConfigAndTokenAndBadUsageIsRefused() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.file("etc/imd/imd.toml")
        try FileManager.default.createDirectory(atPath: directory.file("etc/imd"), withIntermediateDirectories: true)
        try "node_id = \"edited\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        try "old-token\n".write(toFile: directory.file("etc/imd/admin-token"), atomically: true, encoding: .utf8)
        let install = try await runCommand(
            Self.script,
            ["--bin-dir", builtExecutableDirectory, directory.file("prefix")],
            environment: ["SYSCONFDIR": directory.file("etc")],
            timeout: Self.installTime
        )
        #expect(install.status == 0, "\(install.transcript)")
        #expect(install.stdout.contains("imd.toml exists: kept"))
        #expect(try String(contentsOfFile: config, encoding: .utf8) == "node_id = \"edited\"\n")
        #expect(try String(contentsOfFile: directory.file("etc/imd/admin-token"), encoding: .utf8) == "old-token\n")
        let unit = try String(contentsOfFile: directory.file("prefix/lib/systemd/system/imd.service"), encoding: .utf8)
        #expect(unit.contains("--config \(directory.file("etc"))/imd/imd.toml"), "SYSCONFDIR is in the unit")

        let none = try await runCommand(Self.script, [])
        #expect(none.status == 2 && none.stderr.contains("install.sh [--bin-dir DIR] PREFIX"))
        let relative = try await runCommand(Self.script, ["--bin-dir", builtExecutableDirectory, "relative/prefix"])
        #expect(relative.status == 2 && relative.stderr.contains("PREFIX must be an absolute path"))
        let missing = try await runCommand(Self.script, ["--bin-dir", "/nonexistent", directory.file("never")])
        #expect(missing.status == 1 && missing.stderr.contains("no executable /nonexistent/imd"))
    }
}

struct InstallFailure: Error, CustomStringConvertible {
    var description: String
}

/// Directories to remove when the test process exits, for what tests share.
private let exitRemovals = Mutex<[String]>([])

/// Removes `path` (recursively) when the process exits.
func removeAtExit(_ path: String) {
    let first = exitRemovals.withLock { paths in
        paths.append(path)
        return paths.count == 1
    }
    if first {
        atexit {
            for path in exitRemovals.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}
