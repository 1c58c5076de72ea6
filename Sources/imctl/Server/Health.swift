import ArgumentParser
import IMCtlKit

extension IMCtl {
    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a server as a Nagios plugin: one status line with performance data.",
            discussion: """
                Reads /health and /summary (neither needs the token). CRITICAL: the server cannot be reached \
                or answers 5xx, its store failed to write, open files >= 95% of the limit, or a --critical-* \
                limit is reached. WARNING: corrupt store records, open files >= 80%, a --warning-* limit. \
                UNKNOWN: any other failure.

                EXIT CODES
                  0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios's; --json's "ok" is true only for OK)

                EXAMPLES
                  imctl health --server http://im-1:6666
                  imctl health --warning-connections 50000 --critical-connections 60000 --critical-rss 8GiB
                """
        )

        @Option(help: "WARNING at this many connections.") var warningConnections: Int64?
        @Option(help: "CRITICAL at this many connections.") var criticalConnections: Int64?
        @Option(help: ArgumentHelp("WARNING at this resident memory (bytes, or 512MiB, 2GiB).", valueName: "size"))
        var warningRss: String?
        @Option(help: ArgumentHelp("CRITICAL at this resident memory.", valueName: "size")) var criticalRss: String?
        @OptionGroup var global: IMCtlGlobalOptions

        func validate() throws {
            for (flag, value) in [("--warning-rss", warningRss), ("--critical-rss", criticalRss)] {
                if let value, IMCtlSize.parse(value) == nil {
                    throw ValidationError("\(flag): expected bytes or a size like 512MiB or 2GiB, got \"\(value)\"")
                }
            }
        }

        func run() async throws {
            var thresholds = IMCtlHealth.Thresholds()
            thresholds.warningConnections = warningConnections
            thresholds.criticalConnections = criticalConnections
            thresholds.warningRSS = warningRss.flatMap(IMCtlSize.parse)
            thresholds.criticalRSS = criticalRss.flatMap(IMCtlSize.parse)
            let status = await IMCtlHealth.run(
                thresholds: thresholds,
                connection: global.connection,
                output: global.output,
                io: .standard()
            )
            if status != .ok { throw ExitCode(status.rawValue) }
        }
    }
}
