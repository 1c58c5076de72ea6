import Crypto
import Foundation
import Testing

/// The man pages in docs/man were made (by `scripts/generate-docs.sh`, through swift-argument-parser's
/// generate-manual plugin) from the tools' help as it is now.
@Suite("Man pages")
struct ManPageTests {
    static let regenerate = "run scripts/generate-docs.sh and commit docs/man"

    /// `docs/man/help.sha256`: the sha256 of `TOOL --experimental-dump-help`, the help the page was made from.
    static func recordedHashes() throws -> [String: String] {
        let text = try String(contentsOfFile: repositoryFile("docs/man/help.sha256"), encoding: .utf8)
        var hashes: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2 { hashes[String(parts[1])] = String(parts[0]) }
        }
        return hashes
    }

    @Test(arguments: operatorTools)
    func thePageMatchesTheToolsHelp(tool: String) async throws {
        let dump = try await runCommand(builtExecutable(tool), ["--experimental-dump-help"])
        #expect(dump.status == 0, "\(dump.transcript)")
        let hash = SHA256.hash(data: Data(dump.stdout.utf8)).map { String(format: "%02x", $0) }.joined()
        let recorded = try Self.recordedHashes()[tool]
        #expect(recorded == hash, "docs/man/\(tool).1 was made from other help text: \(Self.regenerate)")

        let page = try String(contentsOfFile: repositoryFile("docs/man/\(tool).1"), encoding: .utf8)
        #expect(page.contains(".Dt \(tool.uppercased()) 1"), "an mdoc page for \(tool)")
        // Every option of the root command is on the page.
        let help = try #require(
            try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        )
        let command = try #require(help["command"] as? [String: Any])
        for argument in command["arguments"] as? [[String: Any]] ?? [] {
            guard argument["shouldDisplay"] as? Bool != false,
                let name = (argument["preferredName"] as? [String: Any])?["name"] as? String,
                (argument["preferredName"] as? [String: Any])?["kind"] as? String == "long"
            else { continue }
            #expect(page.contains("Fl -\(name)"), "--\(name) is on \(tool)'s page")
        }
    }

    @Test(
        .enabled(if: installedTool("mandoc") != nil, "mandoc is not installed (apt-get install mandoc)"),
        arguments: operatorTools
    )
    func thePageRenders(tool: String) async throws {
        let mandoc = try #require(installedTool("mandoc"))
        let page = repositoryFile("docs/man/\(tool).1")
        // The generator's style draws warnings (a sentence per line); errors would break the page.
        let lint = try await runCommand(mandoc, ["-T", "lint", "-W", "error", page])
        #expect(lint.status == 0, "\(lint.transcript)")
        let rendered = try await runCommand(mandoc, ["-T", "markdown", page])
        #expect(rendered.status == 0, "\(rendered.transcript)")
        #expect(rendered.stdout.contains("# NAME"))
    }
}
