import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Fetches `GET <server>/summary` from every server, concurrently: imtop's only HTTP code.
///
/// Kept to this one file so that a shared admin client (imctl's) can replace it. `/summary` needs no token
/// today; the admin token is sent when one is configured, so a server that starts requiring it keeps working.
package struct SummaryFetcher: Sendable {
    package var token: String?
    /// The deadline of one request (connect included): a node that does not answer in time is DOWN.
    package var timeout: Duration
    /// The largest reply read.
    package var maximumBytes = 8 << 20

    package init(token: String?, timeout: Duration) {
        self.token = token
        self.timeout = timeout
    }

    /// One client for the process (never shut down, like `HTTPClient.shared`), which reports a refused
    /// connection at once instead of retrying it until the deadline: a node that is down shows DOWN in the
    /// next refresh, not one timeout later.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

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
        var request = HTTPClientRequest(url: server + "/summary")
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let outcome: NodeResult.Outcome
        do {
            let response = try await Self.client.execute(request, timeout: .init(timeout))
            let body = try await response.body.collect(upTo: maximumBytes)
            let data = Data(body.readableBytesView)
            guard response.status == .ok else {
                throw NodeFailure(
                    .badReply,
                    "HTTP \(response.status.code)\(Self.errorMessage(data).map { ": \($0)" } ?? "")"
                )
            }
            outcome = .summary(try NodeSummary(data: data), raw: data)
        } catch let failure as NodeFailure {
            outcome = .failure(failure)
        } catch {
            outcome = .failure(NodeFailure(.unreachable, reason(for: error)))
        }
        return NodeResult(server: server, time: Date().timeIntervalSince1970, outcome: outcome)
    }

    /// "1s", "0.5s".
    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }

    /// The admin API's `{"meta":{"message"}}`, or the start of a text body.
    private static func errorMessage(_ data: Data) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let message = (object["meta"] as? [String: Any])?["message"] as? String
        {
            return message
        }
        let text = String(decoding: data.prefix(80), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// A short reason for a failed request: "connection refused", "timed out after 2s".
    private func reason(for error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout: return "no answer within \(Self.seconds(timeout))"
            case .remoteConnectionClosed: return "connection closed by the server"
            default: break
            }
        }
        if error is NIOTooManyBytesError { return "reply larger than \(maximumBytes) bytes" }
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
