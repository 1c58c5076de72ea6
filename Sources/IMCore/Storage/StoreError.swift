/// An error from a `MessageStore`, grouped by what the caller does next.
package struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        // The request was wrong; nothing was stored. Reply with an error and go on.
        case emptyBody
        case bodyTooLarge
        case noQueues
        case tooManyQueues
        /// The store has no such operation (a snapshot of a store that keeps no index).
        case unsupported
        // The store cannot take writes: refuse the message (status 68) and go on.
        case closed
        case failed
        // Opening the store failed: the operator must act.
        case io
        case unsupportedFormat
        case locked
        case invalidConfiguration
        case corrupt
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }

    /// `error` as a `StoreError` (`.failed` for any other error).
    package static func wrap(_ error: any Error) -> StoreError {
        error as? StoreError ?? StoreError(.failed, "\(error)")
    }

    static func io(_ operation: String, path: String, errno: Int32) -> StoreError {
        StoreError(.io, "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
