import ArgumentParser
import Foundation

/// The options every server command takes: connection (`--server`, the token, `--timeout`, TLS) and
/// output (`--json`, `--ndjson`, `--csv`, `--raw`, `--verbose`), each under its own help heading.
package struct IMCtlGlobalOptions: ParsableArguments {
    @OptionGroup(title: "Connection Options")
    package var connection: IMCtlConnectionOptions

    @OptionGroup(title: "Output Options")
    package var output: IMCtlOutputOptions

    package init() {}

    /// Runs the operation `build` makes, printing the result; throws `ExitCode` unless it succeeded.
    package func run(_ build: (IMCtlIO) throws(IMCtlFailure) -> any IMCtlOperation) async throws {
        let io = IMCtlIO.standard()
        let code = await IMCtlRunner.run(connection: connection, output: output, io: io) { () throws(IMCtlFailure) in
            try build(io)
        }
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}

/// uids on the command line: `42`, or a comma-separated list `1,2,3`.
package struct IMCtlIDList: ExpressibleByArgument, Sendable, Equatable {
    package var ids: [Int64]

    package init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        var ids: [Int64] = []
        for part in parts {
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)) else { return nil }
            ids.append(id)
        }
        guard !ids.isEmpty else { return nil }
        self.ids = ids
    }

    package static var defaultValueDescription: String { "uid[,uid...]" }
}

extension Array where Element == IMCtlIDList {
    /// The ids of every list, in order.
    package var flattened: [Int64] { flatMap(\.ids) }
}
