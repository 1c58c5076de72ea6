import Foundation
import Testing

/// All four tools print bash, zsh and fish completion scripts the same way
/// (`--generate-completion-script SHELL`), and each script is valid for its shell.
@Suite("Shell completion")
struct CompletionTests {
    /// A word each tool's script must complete, to show it is that tool's.
    static let words = [
        "imd": "--print-config", "imctl": "offline-count", "imtop": "--replay", "imbench": "multidevice",
    ]

    /// Each script is made once (imctl's zsh script takes seconds in a debug build).
    static let scripts = CompletionScripts()

    @Test(arguments: operatorTools, ["bash", "zsh", "fish"])
    func everyToolCompletesInEveryShell(tool: String, shell: String) async throws {
        let script = try await Self.scripts.script(tool, shell)
        #expect(script.status == 0, "\(script.transcript)")
        #expect(script.stdout.contains(Self.words[tool]!), "\(tool)'s \(shell) script")
    }

    @Test(.enabled(if: installedTool("bash") != nil, "bash is not installed"), arguments: operatorTools)
    func bashAcceptsTheScript(tool: String) async throws {
        try await Self.checkSyntax(of: tool, shell: "bash", ["-n"])
    }

    @Test(
        .enabled(if: installedTool("zsh") != nil, "zsh is not installed (apt-get install zsh)"),
        arguments: operatorTools
    )
    func zshAcceptsTheScript(tool: String) async throws {
        try await Self.checkSyntax(of: tool, shell: "zsh", ["-n"])
    }

    @Test(
        .enabled(if: installedTool("fish") != nil, "fish is not installed (apt-get install fish)"),
        arguments: operatorTools
    )
    func fishAcceptsTheScript(tool: String) async throws {
        try await Self.checkSyntax(of: tool, shell: "fish", ["--no-execute"])
    }

    /// Runs `shell options SCRIPT`, which parses the script without running it.
    static func checkSyntax(of tool: String, shell: String, _ options: [String]) async throws {
        let script = try await scripts.script(tool, shell)
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("\(tool).\(shell)", script.stdout)
        let check = try await runCommand(try #require(installedTool(shell)), options + [file])
        #expect(check.status == 0, "\(shell) rejects \(tool)'s script: \(check.transcript)")
    }

    /// imctl's `completion SHELL` command prints the same script.
    @Test(arguments: ["bash", "zsh", "fish"])
    func imctlsCompletionCommandIsTheSameScript(shell: String) async throws {
        let command = try await runCommand(builtExecutable("imctl"), ["completion", shell])
        let flag = try await Self.scripts.script("imctl", shell)
        #expect(command.status == 0 && flag.status == 0)
        #expect(
            command.stdout.trimmingCharacters(in: .newlines)
                == flag.stdout.trimmingCharacters(in: .newlines)
        )
    }

    /// Values with a fixed set of choices complete to them.
    @Test func choicesComplete() async throws {
        let imd = try await Self.scripts.script("imd", "fish")
        #expect(imd.stdout.contains("batch interval none"), "--fsync")
        let imtop = try await Self.scripts.script("imtop", "fish")
        #expect(imtop.stdout.contains("node conns clients"), "--sort")
    }
}

/// `TOOL --generate-completion-script SHELL`, run once per tool and shell.
actor CompletionScripts {
    private var made: [String: Task<ProcessOutput, any Error>] = [:]

    func script(_ tool: String, _ shell: String) async throws -> ProcessOutput {
        let key = tool + " " + shell
        if let task = made[key] { return try await task.value }
        let task = Task { try await runCommand(builtExecutable(tool), ["--generate-completion-script", shell]) }
        made[key] = task
        return try await task.value
    }
}
