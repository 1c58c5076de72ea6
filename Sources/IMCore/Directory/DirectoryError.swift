/// An error from a `Directory`, grouped by what the caller does next.
package struct DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong; the groups say what the caller does next.
    package enum Code: String, Sendable {
        // The request was wrong; nothing was stored. Reply with an error and go on.
        /// An argument was out of range (the message names it).
        case invalidArgument
        /// The group or member named does not exist.
        case notFound
        /// The id is taken.
        case conflict
        // The directory cannot take writes: reply with an error and go on; the operator must look.
        /// The directory was closed.
        case closed
        /// The database refused a write; the batch stays pending and the next `flush()` retries it.
        case failed
        // Opening the directory failed: the operator must act.
        /// The database file could not be opened, read or migrated.
        case io
        /// The file was written by a newer build (it has migrations this build does not know).
        case unsupportedFormat
    }

    /// What went wrong.
    package var code: Code
    /// A message that names the thing that was wrong.
    package var message: String

    /// An error with `code` and a `message` for the log.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    package var description: String { "\(code.rawValue): \(message)" }
}
