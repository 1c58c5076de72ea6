import NIOCore
import NIOPosix

/// Why a run could not be carried out, with the exit code that says so.
package struct BenchError: Error, CustomStringConvertible, Sendable {
    package enum Code: Int32, Sendable {
        /// Bad options (exit 2).
        case usage = 2
        /// Could not connect to the server or start the embedded one (exit 3).
        case connect = 3
        /// Could not provision users' tokens or log in (exit 3).
        case provision = 33
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var exitCode: Int32 { code == .provision ? 3 : code.rawValue }
    package var description: String { message }

    /// A short, stable cause for an error (errno names rather than whole messages), for "errors by cause".
    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case EMFILE, ENFILE: return "too many open files (raise ulimit -n)"
            case EADDRNOTAVAIL: return "no free local port (use more --source addresses)"
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET: return "connection reset"
            case ETIMEDOUT: return "timed out"
            case EPIPE: return "broken pipe"
            default: return "\(error)"
            }
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return describe(first.error)
        }
        if let error = error as? ChannelError { return "\(error)" }
        if let error = error as? BenchError { return error.message }
        return "\(error)"
    }
}

#if canImport(Glibc)
import Glibc
#endif
