import Foundation
import IMAdminClient
import IMCtlKit
import Testing

/// Connection and output options before the command (`imctl --server URL summary`), as git, kubectl and
/// docker take them: the argument rewriting as a unit, and the built binary against a server.
@Suite("imctl options before the command")
struct GlobalArgumentsTests {
    static let tree = IMCtlGlobalArguments.CommandTree([
        "summary": .init(),
        "user": .init(["online": .init(), "kick": .init()]),
        "post": .init(["peer": .init()]),
    ])

    func hoisted(_ text: String) -> String {
        IMCtlGlobalArguments.hoisted(text.split(separator: " ").map(String.init), commands: Self.tree)
            .joined(separator: " ")
    }

    @Test func optionsBeforeTheCommandMoveAfterItsLastName() {
        #expect(hoisted("--server URL summary") == "summary --server URL")
        #expect(hoisted("--server URL --json user online 42") == "user online --server URL --json 42")
        #expect(hoisted("--server=URL -v user kick 42 --appid 7") == "user kick --server=URL -v 42 --appid 7")
        #expect(
            hoisted("--appid 7 --token-file F post peer --sender 1 -- -x")
                == "post peer --appid 7 --token-file F --sender 1 -- -x"
        )
        // Between a group and its command too.
        #expect(hoisted("user --ndjson online 42") == "user online --ndjson 42")
        // A value that looks like a command stays with its option.
        #expect(hoisted("--token summary summary") == "summary --token summary")
    }

    @Test func everythingElseIsLeftForArgumentParser() {
        #expect(hoisted("summary --server URL") == "summary --server URL")
        #expect(hoisted("--bogus summary") == "--bogus summary")
        #expect(hoisted("--server URL") == "--server URL")
        #expect(hoisted("--version") == "--version")
        #expect(hoisted("--json --help") == "--json --help")
        #expect(hoisted("--json nosuchcommand") == "--json nosuchcommand")
        #expect(hoisted("-- --json summary") == "-- --json summary")
    }

    /// The table of global options is exactly what `IMCtlGlobalOptions` and `IMCtlAppOption` take, with the
    /// right arity, so a new connection or output option cannot be forgotten.
    @Test func theTableMatchesTheOptionGroups() throws {
        let help = IMCtlGlobalOptions.helpMessage(columns: 200) + "\n" + IMCtlAppOption.helpMessage(columns: 200)
        // Option lines: "  --server <url>   ...", "  -v, --verbose   ...", "  --text/--json/--ndjson/--csv/--raw".
        var declared: Set<String> = []
        for line in help.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.first?.hasPrefix("-") == true else { continue }
            for word in words.prefix(while: { $0.hasPrefix("-") }) {
                for name in word.split(separator: "/") { declared.insert(String(name.trimmingCharacters(in: [","]))) }
            }
        }
        declared.subtract(["-h", "--help"])
        #expect(declared == Set(IMCtlGlobalArguments.options.keys))
        for (name, takesValue) in IMCtlGlobalArguments.options {
            // --cert and --key are only valid together.
            let companion = ["--cert": ["--key", "k"], "--key": ["--cert", "c"]][name] ?? []
            let arguments = (takesValue ? [name, "1"] : [name]) + companion
            let parsed =
                (try? IMCtlGlobalOptions.parse(arguments)) != nil || (try? IMCtlAppOption.parse(arguments)) != nil
            #expect(parsed, "\(name) \(takesValue ? "takes a value" : "is a flag")")
        }
    }

    @Test func theBinaryTakesOptionsBeforeAndAfterTheCommand() async throws {
        try await withServer { server in
            let before = try await Imctl.run(["--server", server.url, "summary"])
            #expect(before.status == 0, "\(before.stderr)")
            let after = try await Imctl.run(["summary", "--server", server.url])
            #expect(after.status == 0)
            #expect(before.stdout.split(separator: "\n").first == after.stdout.split(separator: "\n").first)

            let json = try await Imctl.run([
                "--server=\(server.url)", "--token-file", server.tokenFile, "--json", "--appid", "7", "user", "online",
                "42",
            ])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(try IMJSON(parsing: json.stdout)["ok"] == true)

            let mixed = try await Imctl.run([
                "--server", server.url, "user", "mute", "--token-file", server.tokenFile, "42", "--appid", "7",
            ])
            #expect(mixed.status == 0, "\(mixed.stderr)")
            #expect(mixed.stdout == "muted user 42 (app 7)\n")
        }
        let unknown = try await Imctl.run(["--bogus", "summary"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("Unknown option '--bogus'"))
    }
}
