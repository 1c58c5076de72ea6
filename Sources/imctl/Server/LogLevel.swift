import ArgumentParser
import IMCtlKit

extension IMCtl {
    struct LogLevel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the server's log level, or change it while it runs.",
            discussion: """
                The change lasts until the server restarts (then log_level from its configuration holds).

                EXAMPLES
                  imctl log-level
                  imctl log-level debug
                """
        )

        @Argument(
            help: ArgumentHelp(
                "The new level: \(IMCtlOp.LogLevel.levels.joined(separator: ", ")).",
                valueName: "level"
            ),
            completion: .list(IMCtlOp.LogLevel.levels)
        )
        var level: String?
        @OptionGroup var global: IMCtlGlobalOptions

        func validate() throws {
            if let level, !IMCtlOp.LogLevel.levels.contains(level.lowercased()) {
                throw ValidationError(
                    "level: expected one of \(IMCtlOp.LogLevel.levels.joined(separator: ", ")), got \"\(level)\""
                )
            }
        }

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.LogLevel(level: level?.lowercased()) }
        }
    }
}
