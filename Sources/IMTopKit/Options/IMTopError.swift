/// Why imtop cannot go on: a usage error (bad flag, bad file contents) or a failure while running.
package struct IMTopError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable {
        /// The command line or a file it names is wrong (exit 64, or 3 with `--check`).
        case usage
        /// Something failed while running: a record file cannot be written, no terminal (exit 3).
        case runtime
    }

    package var kind: Kind
    package var message: String

    package static func usage(_ message: String) -> IMTopError { IMTopError(kind: .usage, message: message) }
    package static func runtime(_ message: String) -> IMTopError { IMTopError(kind: .runtime, message: message) }

    package var description: String { message }
}
