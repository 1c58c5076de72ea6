/// Lets the connection and output options (and `--appid`) come before the command, as git, kubectl and
/// docker take theirs: `imctl --server URL --json user online 42` runs as
/// `imctl user online --server URL --json 42`.
///
/// ArgumentParser reads a command's options only after its name, so the options given before it are
/// moved to just after the command's full name, ahead of any `--`. Anything else before the command (an
/// unknown option, `--help`, `--version`) stays where it was, for ArgumentParser to answer as before.
package enum IMCtlGlobalArguments {
    /// The names of a command's subcommands (and their aliases), each with its own subcommands.
    package struct CommandTree: Sendable {
        package var subcommands: [String: CommandTree]

        package init(_ subcommands: [String: CommandTree] = [:]) { self.subcommands = subcommands }
    }

    /// Every option `IMCtlGlobalOptions` and `IMCtlAppOption` take, by name: true when it takes a value.
    package static let options: [String: Bool] = [
        "--server": true, "--token-file": true, "--token": true, "--timeout": true, "--cacert": true,
        "--insecure": false, "--cert": true, "--key": true,
        "--text": false, "--json": false, "--ndjson": false, "--csv": false, "--raw": false,
        "--verbose": false, "-v": false,
        "--appid": true,
    ]

    /// `arguments` (without the program name) with the global options found before the command's last
    /// name moved after it; unchanged when there are none or no command is named.
    package static func hoisted(_ arguments: [String], commands: CommandTree) -> [String] {
        var node = commands
        var kept: [String] = []
        var moved: [String] = []
        var index = arguments.startIndex
        var commandEnd: Int?
        scan: while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { break }
            if let takesValue = option(argument) {
                let end = takesValue && !argument.contains("=") ? min(index + 2, arguments.endIndex) : index + 1
                moved += arguments[index..<end]
                index = end
                continue
            }
            if argument.hasPrefix("-") {
                kept.append(argument)
            } else if let subcommand = node.subcommands[argument] {
                kept.append(argument)
                node = subcommand
                commandEnd = kept.count
            } else {
                break scan
            }
            index += 1
        }
        guard let commandEnd, !moved.isEmpty else { return arguments }
        return Array(kept[..<commandEnd]) + moved + kept[commandEnd...] + arguments[index...]
    }

    /// Whether `argument` (`--server`, `--server=URL`, `-v`) is a global option, and if it takes a value.
    private static func option(_ argument: String) -> Bool? {
        let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
        return options[name]
    }
}
