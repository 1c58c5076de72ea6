import ArgumentParser
import IMCtlKit

extension IMCtl {
    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run commands from NDJSON on stdin; write one JSON result line per command.",
            discussion: """
                Each input line is a JSON object: "command" as typed after imctl ("post system", "user kick"), \
                the command's fields (its option names with _ for -, its arguments by name: appid, sender, \
                receiver, receivers, uid, uids, group, members, content, ...), and optionally an "id" echoed in \
                the result. Each result line is {"line":N,"id":...,"ok":bool,"data":...,"error":{"code",\
                "message"}}, in input order. By default one call runs at a time, in input order; with \
                --concurrency N up to N run at once in any order (results are still written in input order), \
                so use it for independent lines. Blank lines are skipped. Runs: \
                \(IMCtlCatalog.operations.map(\.command).joined(separator: ", ")).

                The exit code is 0 when every line succeeded, else that of the first failed line (1 refused, \
                2 bad line, 3 unreachable, 4 auth failed). On a terminal, progress goes to stderr.

                EXAMPLES
                  printf '%s\\n' '{"command":"user kick","appid":7,"uid":42}' '{"command":"summary"}' | imctl batch
                  jq -c '{command:"post system",appid:7,receivers:[.uid],content:"maintenance at 02:00"}' \\
                    users.ndjson | imctl batch --concurrency 16 > results.ndjson
                  jq -c 'select(.ok|not)' results.ndjson
                """
        )

        @Option(help: "Calls in flight at once (1...1024); above 1 they may run in any order.") var concurrency = 1
        @Flag(help: "Stop reading input at the first failed line (calls in flight still finish and print).")
        var stopOnError = false
        @OptionGroup(title: "Connection Options") var connection: IMCtlConnectionOptions
        @Flag(name: .shortAndLong, help: "Show each request and reply on stderr (the token redacted).")
        var verbose = false

        func validate() throws {
            guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be in 1...1024") }
        }

        func run() async throws {
            let outcome = await IMCtlBatch.run(
                connection: connection,
                verbose: verbose,
                concurrency: concurrency,
                stopOnError: stopOnError,
                io: .standard()
            )
            if outcome.exitCode != .ok { throw ExitCode(outcome.exitCode.rawValue) }
        }
    }
}
