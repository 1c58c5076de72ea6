import ArgumentParser

extension IMCtl {
    struct Completion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the shell completion script for bash, zsh or fish.",
            discussion: """
                EXAMPLES
                  imctl completion bash > /etc/bash_completion.d/imctl
                  imctl completion zsh > "${fpath[1]}/_imctl"
                  imctl completion fish > ~/.config/fish/completions/imctl.fish
                """
        )

        @Argument(help: "bash, zsh or fish.", completion: .list(["bash", "zsh", "fish"])) var shell: String

        func validate() throws {
            guard CompletionShell(rawValue: shell) != nil else {
                throw ValidationError("shell: expected bash, zsh or fish, got \"\(shell)\"")
            }
        }

        func run() throws {
            print(IMCtl.completionScript(for: CompletionShell(rawValue: shell)!))
        }
    }
}
