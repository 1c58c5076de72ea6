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
        /// A replica's store: it takes its primary's log, not appends.
        case readOnly
        /// `replication = "sync"`: no replica confirmed the message in time (it is durable here only).
        case notReplicated
        // Opening the store failed: the operator must act.
        case io
        case unsupportedFormat
        case locked
        case invalidConfiguration
        case corrupt
    }

    package var code: Code
    package var message: String
    /// The `errno` of a failed system call, when one is the cause.
    package var systemError: Int32?

    package init(_ code: Code, _ message: String, systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemError = systemError
    }

    /// The file system had no room (`ENOSPC`, `EDQUOT`): nothing is wrong with what is on disk.
    var isOutOfSpace: Bool { systemError == ENOSPC || systemError == EDQUOT }

    package var description: String { "\(code.rawValue): \(message)" }

    /// `error` as a `StoreError` (`.failed` for any other error).
    package static func wrap(_ error: any Error) -> StoreError {
        error as? StoreError ?? StoreError(.failed, "\(error)")
    }

    /// Why appending a body of `bodyLength` bytes to `queueCount` queues is refused, if it is: the same
    /// rules whatever the adapter.
    package static func refusal(
        bodyLength: Int,
        queueCount: Int,
        maxBodySize: Int = 32767,
        maxQueues: Int = 100_000
    ) -> StoreError? {
        if bodyLength == 0 { return StoreError(.emptyBody, "the message body is empty") }
        if bodyLength > maxBodySize {
            return StoreError(.bodyTooLarge, "the body has \(bodyLength) bytes; the limit is \(maxBodySize)")
        }
        if queueCount == 0 { return StoreError(.noQueues, "the message names no queue") }
        if queueCount > maxQueues {
            return StoreError(.tooManyQueues, "the message names \(queueCount) queues; the limit is \(maxQueues)")
        }
        return nil
    }

    static func io(_ operation: String, path: String, errno: Int32) -> StoreError {
        StoreError(.io, "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))", systemError: errno)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
