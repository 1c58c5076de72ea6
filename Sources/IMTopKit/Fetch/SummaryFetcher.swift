import AsyncHTTPClient
import Foundation
import IMAdminAPI
import IMAdminClient
import NIOCore
import NIOPosix

/// Fetches every server's `/summary`, concurrently, through one `IMAdminClient` (the admin API's client
/// that imctl and imbench use too), and words what went wrong imtop's way.
///
/// `/summary` needs no token today; the admin token is sent when one is configured, so a server that
/// starts requiring it keeps working.
package struct SummaryFetcher: Sendable {
    /// The deadline of one request (connect included): a node that does not answer in time is DOWN.
    package let timeout: Duration
    /// The largest reply read.
    package let maximumBytes: Int
    private let client: IMAdminClient

    /// A client that reports a refused connection at once instead of retrying it until the deadline: a
    /// node that is down shows DOWN in the next refresh, not one timeout later.
    package init(token: String?, timeout: Duration, maximumBytes: Int = 8 << 20) {
        self.timeout = timeout
        self.maximumBytes = maximumBytes
        var configuration = IMAdminClientConfiguration(token: token)
        configuration.timeout = timeout
        configuration.maxResponseBytes = maximumBytes
        configuration.userAgent = "imtop"
        // Without TLS files there is nothing to read, so making the client cannot fail.
        client = try! IMAdminClient(configuration: configuration)
    }

    /// One round: every server's reply, in `servers`' order.
    package func poll(_ servers: [String]) async -> Poll {
        let started = Date().timeIntervalSince1970
        let results = await withTaskGroup(of: (Int, NodeResult).self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask { (index, await fetch(server)) }
            }
            var results = [NodeResult?](repeating: nil, count: servers.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
        return Poll(time: started, results: results)
    }

    /// One server's reply; never throws: a failure is part of the result.
    package func fetch(_ server: String) async -> NodeResult {
        let outcome: NodeResult.Outcome
        do {
            let url = try IMAdminServerURL(parsing: server)
            let (summary, reply) = try await client.exchange(IMAdmin.Summary.self, .init(), server: url)
            outcome = .summary(try NodeSummary(summary: summary), raw: Data(reply.body))
        } catch let failure as NodeFailure {
            outcome = .failure(failure)
        } catch let error as IMAdminError {
            outcome = .failure(failure(error))
        } catch {
            outcome = .failure(NodeFailure(.unreachable, "\(error)"))
        }
        return NodeResult(server: server, time: Date().timeIntervalSince1970, outcome: outcome)
    }

    /// The nodes of `server`'s cluster (`GET /nodes`, with the token).
    package func nodes(_ server: String) async throws -> [IMNode] {
        let url = try IMAdminServerURL(parsing: server)
        return try await client.exchange(IMAdmin.Nodes.self, IMAdminNone(), server: url).response
    }

    /// What imtop says about a failed call.
    private func failure(_ error: IMAdminError) -> NodeFailure {
        switch error.kind {
        case .refused, .authFailed:
            let body = error.reply.map { Data($0.body) } ?? Data()
            return NodeFailure(
                .badReply,
                "HTTP \(error.status ?? 0)\(Self.errorMessage(body).map { ": \($0)" } ?? "")"
            )
        case .badResponse:
            if error.underlying is NIOTooManyBytesError {
                return NodeFailure(.unreachable, "reply larger than \(maximumBytes) bytes")
            }
            // A 2xx that is not a /summary: say why as the model reads it.
            do {
                _ = try NodeSummary(data: Data(error.reply?.body ?? []))
                return NodeFailure(.badReply, error.message)
            } catch {
                return error
            }
        case .timeout:
            return NodeFailure(.unreachable, "no answer within \(Self.seconds(timeout))")
        case .unreachable:
            return NodeFailure(.unreachable, reason(for: error.underlying ?? error))
        default:
            return NodeFailure(.unreachable, error.message)
        }
    }

    /// "1s", "0.5s".
    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }

    /// The admin API's `{"meta":{"message"}}`, or the start of a text body.
    private static func errorMessage(_ data: Data) -> String? {
        if let reply = IMAdminErrorReply.decode(Array(data)) { return reply.meta.message }
        let text = String(decoding: data.prefix(80), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// A short reason for a request that got no answer: "connection refused", "connection reset".
    private func reason(for error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout: return "no answer within \(Self.seconds(timeout))"
            case .remoteConnectionClosed: return "connection closed by the server"
            default: break
            }
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return Self.describe(ioError: first.error)
        }
        return Self.describe(ioError: error)
    }

    private static func describe(ioError error: any Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET: return "connection reset"
            case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
            default: return String(cString: strerror(error.errnoCode))
            }
        }
        if error is NIOConnectionError { return "could not connect" }
        return String(describing: error)
    }
}
