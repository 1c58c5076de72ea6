/// Everything imtop runs with, resolved from flags, environment and files (`CommandLineOptions.resolve`).
package struct IMTopConfiguration: Sendable {
    package enum Mode: Sendable, Equatable {
        /// The curses dashboard.
        case screen
        /// A line (or JSON object) per interval.
        case batch
        /// One Nagios-style status line and exit code.
        case check
    }

    package var mode: Mode
    /// Base URLs (empty with `--replay`: the recording names its servers).
    package var servers: [String]
    package var token: String?
    /// Seconds between polls.
    package var interval: Double
    /// The deadline of one `/summary` request.
    package var timeout: Double
    /// Batch: intervals to print (nil: until killed).
    package var iterations: Int?
    package var json: Bool
    package var sort: NodeSortColumn
    package var reversed: Bool
    /// Start in the per-app view.
    package var apps: Bool
    /// Poll the other nodes of the given servers' clusters too (`ClusterPoller`).
    package var discover: Bool
    package var thresholds: Thresholds
    package var color: Bool
    /// Force ASCII (else UTF-8 when the locale has it).
    package var ascii: Bool
    package var record: String?
    package var replay: String?
    /// Replay speed factor.
    package var speed: Double
    /// Things to tell the operator on stderr before starting (a token on the command line).
    package var warnings: [String]
}
