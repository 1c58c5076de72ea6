import AsyncHTTPClient
import Foundation
import IMCore
@_exported import IMTestSupport
import IMTopKit
import Logging
import NIOCore
import Testing

/// An `IMServer` on 127.0.0.1 port 0 (admin API on port 0 too) in a temporary directory, shut down
/// gracefully by `withServer` on every path.
struct TopTestServer {
    static let adminToken = "imtop-test-admin-token"

    let addresses: IMServerAddresses
    var adminURL: String { "http://127.0.0.1:\(addresses.admin!.port)" }

    /// `GET /summary` as JSON.
    func summary() async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: adminURL + "/summary"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    /// A client logged in as `uid` in `appID`.
    func client(uid: Int64, appID: Int64 = 7, device: String = "d") async throws -> IMClient {
        var request = HTTPClientRequest(url: adminURL + "/auth/token")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(Self.adminToken)")
        request.body = .bytes(ByteBuffer(string: #"{"appid":\#(appID),"uid":\#(uid)}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        let token = try #require((json?["data"] as? [String: Any])?["token"] as? String)
        let client = try await IMClient.connect(host: "127.0.0.1", port: addresses.client.port)
        try #require(try await client.authenticate(token: token, deviceID: device))
        return client
    }
}

func withServer<T>(
    nodeID: String = "node-a",
    configure: (inout IMServerConfiguration) -> Void = { _ in },
    _ body: (TopTestServer) async throws -> T
) async throws -> T {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    var configuration = IMServerConfiguration.forTests(
        dataDirectory: directory.path,
        adminToken: TopTestServer.adminToken
    )
    configuration.eventLoopThreads = 1
    configuration.nodeID = nodeID
    configure(&configuration)
    return try await withRunningServer(configuration) { _, addresses in
        try await body(TopTestServer(addresses: addresses))
    }
}

/// A /summary as a node reports it, for model tests: counters and gauges by field.
func summary(
    node: String = "n1",
    startedAt: Double = 1_000,
    uptime: Double = 100,
    _ values: [SummaryField: Double] = [:],
    apps: [Int64: NodeSummary.AppCounts]? = nil
) -> NodeSummary {
    var all = values
    all[.startedAt] = startedAt
    all[.uptimeSeconds] = uptime
    if let average = all[.storeAverageFsyncMicroseconds], let count = all[.storeFsyncs] {
        all[.storeFsyncMicroseconds] = average * count
    }
    return NodeSummary(nodeID: node, version: "0.1.0", values: all, apps: apps ?? [:], reportsApps: apps != nil)
}

/// One poll at `time` with one result per (server, summary or failure).
func poll(_ time: Double, _ results: [(String, NodeSummary?)]) -> Poll {
    Poll(
        time: time,
        results: results.map { server, summary in
            NodeResult(
                server: server,
                time: time,
                outcome: summary.map { .summary($0, raw: Data()) }
                    ?? .failure(NodeFailure(.unreachable, "connection refused"))
            )
        }
    )
}

/// A peer message from `sender` to `receiver` with text content.

extension IMClient {
    /// Waits for `count` frames with `command`.
    func collect(_ count: Int, _ command: IMCommand) async throws {
        var seen = 0
        for await event in events where event.frame.command == command {
            seen += 1
            if seen == count { return }
        }
        throw IMClientError(.connectionClosed, "closed after \(seen) of \(count) \(command) frames")
    }
}
