import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// How the client words what went wrong: the server's own message, or what the transport threw.
extension IMAdminClient {
    /// The `meta.message` of an error reply, else its text (short), else nil.
    static func serverMessage(_ body: [UInt8]) -> String? {
        if let reply = IMAdminErrorReply.decode(body) { return reply.meta.message }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// What a thrown transport error means for the caller; the error itself is kept as `underlying`.
    static func classify(_ error: any Error, timeout: Duration, limit: Int) -> IMAdminError {
        if let error = error as? IMAdminError { return error }
        var classified = explain(error, timeout: timeout, limit: limit)
        classified.underlying = error
        return classified
    }

    private static func explain(_ error: any Error, timeout: Duration, limit: Int) -> IMAdminError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return IMAdminError(.timeout, "no complete answer within \(format(timeout))")
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return IMAdminError(.timeout, "could not connect within \(format(timeout))")
            case .tlsHandshakeTimeout:
                return IMAdminError(.timeout, "the TLS handshake did not finish within \(format(timeout))")
            case .remoteConnectionClosed:
                return IMAdminError(.unreachable, "the server closed the connection before answering")
            default:
                return IMAdminError(.unreachable, "\(error)")
            }
        }
        if error is NIOTooManyBytesError {
            return IMAdminError(.badResponse, "the reply is larger than \(limit) bytes")
        }
        if let error = error as? NIOConnectionError {
            if let failure = error.connectionErrors.first {
                return IMAdminError(.unreachable, "\(describe(failure.error)) (\(failure.target))")
            }
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return IMAdminError(.unreachable, "cannot resolve \(error.host): \(dns)")
            }
            return IMAdminError(.unreachable, "cannot connect to \(error.host):\(error.port)")
        }
        if let error = error as? NIOSSLError {
            return IMAdminError(.unreachable, "TLS: \(error)")
        }
        if error is CancellationError { return IMAdminError(.timeout, "the call was cancelled") }
        return IMAdminError(.unreachable, describe(error))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return "\(error)"
    }
}
