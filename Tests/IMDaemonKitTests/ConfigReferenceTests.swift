import Foundation
import IMConfigFile
import IMCore
import IMDaemonKit
import Testing

/// `imd --print-config`, `docs/imd.toml.example` and the flags' help, all read from `DaemonSetting.all`.
@Suite("Configuration reference")
struct ConfigReferenceTests {
    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/imd.toml.example").path
    static let regenerate = "run scripts/generate-docs.sh (or: swift run imd --print-config > docs/imd.toml.example)"

    @Test func everySettingHasOneLineOfHelpAndAKeyLine() {
        let reference = ConfigReference.text()
        for setting in DaemonSetting.all {
            #expect(!setting.help.isEmpty && !setting.help.contains("\n"), "\(setting.key)")
            #expect(
                setting.help.last == "." || setting.help.hasSuffix("..."),
                "\(setting.key): end it with a full stop"
            )
            #expect(
                setting.defaultValue != nil || setting.example != nil,
                "\(setting.key) has no fixed default: give it an example"
            )
            #expect(reference.contains("# \(setting.help)\n"), "\(setting.key)'s help")
            let sources = setting.flag.map { "# Flag \($0), env " } ?? "# Env "
            #expect(
                reference.contains(sources + setting.environmentVariable + "."),
                "\(setting.key)'s flag and env var"
            )
            #expect(reference.contains("\n# \(setting.name) = "), "\(setting.key)'s key line")
        }
        #expect(reference.contains("\n[storage]\n") && reference.contains("\n[session]\n"))
        #expect(DaemonSetting.sections == ["storage", "session", "limits"])
    }

    /// The defaults shown are the ones `IMServerConfiguration()` has: not restated, rendered from it.
    @Test func theDefaultsShownAreTheServersDefaults() throws {
        let reference = ConfigReference.text()
        #expect(reference.contains("\n# listen = \"0.0.0.0:23000\"\n"))
        #expect(reference.contains("\n# sync_limit = \(IMServerConfiguration().session.syncBatchLimit)\n"))
        #expect(reference.contains("\n# idle_timeout = \"6m\"\n"))
        #expect(reference.contains("\n# segment_size = \"64MiB\"\n"))
        #expect(
            reference.contains("# Flag --node-id, env IMD_NODE_ID. Default: the host name and the client port, like im1:23000.\n# node_id = \"im-1\"\n")
        )
        #expect(reference.contains("Not set by default.\n# cert_file = \"/etc/letsencrypt/"))
    }

    /// As shipped, every key is commented out: the file runs imd on the defaults. Uncommenting every key
    /// that has a default changes nothing; every example is a value its setting takes.
    @Test func theReferenceIsAConfigFileOfTheDefaults() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let reference = ConfigReference.text()
        let defaults = try load(["--node-id", "n"])
        let asShipped = try load(["--node-id", "n"], file: reference, in: directory)
        #expect(
            asShipped.rendered.split(separator: "\n").dropFirst()
                == defaults.rendered.split(separator: "\n").dropFirst()
        )

        let withDefaults = DaemonSetting.all.filter { $0.defaultValue != nil }.map { "# \($0.name) = " }
        let uncommented = reference.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            withDefaults.contains { line.hasPrefix($0) } ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")
        let file = try load(["--node-id", "n"], file: uncommented, in: directory)
        for setting in DaemonSetting.all {
            #expect(setting.defaultValue == nil || file.origins[setting.key] != nil, "\(setting.key) was uncommented")
            #expect(setting.render(file) == setting.render(defaults), "\(setting.key)")
        }

        for setting in DaemonSetting.all {
            guard let example = setting.example else { continue }
            let text = (setting.section.map { "[\($0)]\n" } ?? "") + "\(setting.name) = \(example)\n"
            var configuration = DaemonConfiguration()
            do {
                try configuration.apply(file: ConfigFile(path: "example.toml", text: text, sections: Set(DaemonSetting.sections)))
                #expect(setting.render(configuration) == example)
            } catch {
                Issue.record("\(setting.key)'s example \(example): \(error)")
            }
        }
    }

    @Test func theCommittedExampleIsCurrent() throws {
        let committed = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        #expect(committed == ConfigReference.text(), "docs/imd.toml.example is out of date: \(Self.regenerate)")
    }

    @Test func imdPrintsTheReferenceWhateverItsEnvironmentSays() async throws {
        let outcome = try await IMDExecutableTests.run(["--print-config"], environment: ["IMD_FSYNC": "bogus"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == ConfigReference.text())
        let committed = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        #expect(outcome.stdout == committed, "docs/imd.toml.example is out of date: \(Self.regenerate)")
    }

    /// A flag's help is its setting's help, default and env var.
    @Test func flagHelpComesFromTheTable() throws {
        let help = DaemonFlags.helpMessage(columns: 1000)
        for setting in DaemonSetting.all where setting.flag != nil {
            #expect(help.contains(setting.help), "\(setting.key)")
            #expect(help.contains("Env: \(setting.environmentVariable)."), "\(setting.key)")
        }
        #expect(help.contains("Default: ./data. Env: IMD_DATA_DIR."))
        #expect(help.contains("Default: one per core. Env: IMD_THREADS."))
        #expect(help.contains("Default: off. Env: IMD_TLS_LISTEN."))
    }
}
