import AsyncHTTPClient
import Foundation
import IMCore
@_exported import IMTestSupport
import Logging
import NIOCore
import Testing

/// An `IMServer` on 127.0.0.1 port 0 with its admin API, in a temporary data directory, run in a
/// `ServiceGroup` and shut down gracefully by `withTestServer` on every path.
struct TestServer {
    static let adminToken = "test-admin-token"
    static let appID: Int64 = 7

    let server: IMServer
    let addresses: IMServerAddresses
    let dataDirectory: String

    var adminURL: String { "http://127.0.0.1:\(addresses.admin!.port)" }

    /// A token for `uid` from `POST /auth/token`.
    func token(uid: Int64, appID: Int64 = TestServer.appID, ttl: Int64? = nil) async throws -> String {
        var body: [String: Any] = ["appid": appID, "uid": uid]
        if let ttl { body["ttl"] = ttl }
        let (status, json) = try await admin("POST", "/auth/token", json: body)
        try #require(status == 200, "POST /auth/token answered \(status): \(json)")
        let data = try #require(json["data"] as? [String: Any])
        return try #require(data["token"] as? String)
    }

    /// A connected client logged in as `uid`.
    func client(
        uid: Int64,
        device: String = "device-1",
        platform: IMAuthToken.Platform = .android,
        version: UInt8 = 2
    ) async throws -> IMClient {
        let client = try await connect()
        let ok = try await client.authenticate(
            token: try await token(uid: uid),
            deviceID: device,
            platform: platform,
            version: version
        )
        try #require(ok, "login of uid \(uid) failed")
        return client
    }

    /// A connected client that has not logged in.
    func connect() async throws -> IMClient {
        try await IMClient.connect(host: "127.0.0.1", port: addresses.client.port)
    }

    /// An admin API call; returns the HTTP status and the JSON body (empty if none or not JSON).
    func admin(
        _ method: String,
        _ path: String,
        json: [String: Any]? = nil,
        body: String? = nil,
        token: String? = TestServer.adminToken
    ) async throws -> (Int, [String: Any]) {
        let (status, text) = try await adminText(method, path, json: json, body: body, token: token)
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (status, object)
    }

    /// An admin API call; returns the HTTP status and the body text.
    func adminText(
        _ method: String,
        _ path: String,
        json: [String: Any]? = nil,
        body: String? = nil,
        token: String? = TestServer.adminToken
    ) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: adminURL + path)
        request.method = .RAW(value: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let body {
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }
}

/// Where a test server keeps its messages: the message log in its data directory, or a new database on
/// the test PostgreSQL server (`TestPostgres`).
enum TestBackend: String, Sendable, CustomTestStringConvertible {
    case embedded
    case postgres

    /// The backends of this run: PostgreSQL too when it is configured (or CI requires it).
    static var all: [TestBackend] { TestPostgres.enabled ? [.embedded, .postgres] : [.embedded] }

    var testDescription: String { rawValue }
}

/// Runs `body` against a fresh server and always shuts it down gracefully (and removes its data).
func withTestServer<T>(
    backend: TestBackend = .embedded,
    dataDirectory: String? = nil,
    configure: (inout IMServerConfiguration) -> Void = { _ in },
    _ body: (TestServer) async throws -> T
) async throws -> T {
    let temporary = dataDirectory == nil ? TemporaryDirectory() : nil
    defer { temporary?.remove() }
    var configuration = IMServerConfiguration.forTests(
        dataDirectory: dataDirectory ?? temporary!.path,
        adminToken: TestServer.adminToken
    )
    configuration.eventLoopThreads = 2
    configure(&configuration)
    func run(_ configuration: IMServerConfiguration) async throws -> T {
        try await withRunningServer(configuration) { server, addresses in
            try await body(TestServer(server: server, addresses: addresses, dataDirectory: configuration.dataDirectory))
        }
    }
    guard backend == .postgres else { return try await run(configuration) }
    return try await TestPostgres.withDatabase { url in
        configuration.postgres.url = url
        configuration.postgres.timeout = .seconds(60)
        return try await run(configuration)
    }
}

extension IMClient {
    /// The next event that satisfies `predicate`, skipping others; fails after `timeout`.
    func next(
        timeout: Duration = .seconds(30),
        where predicate: @escaping @Sendable (IMClientEvent) -> Bool = { _ in true }
    ) async throws -> IMClientEvent {
        try await withThrowingTaskGroup(of: IMClientEvent?.self) { group in
            group.addTask {
                for await event in self.events where predicate(event) { return event }
                throw IMClientError(.connectionClosed, "the connection closed while waiting for an event")
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let event = try await group.next()! else {
                throw IMClientError(.timeout, "no matching event within \(timeout)")
            }
            return event
        }
    }

    /// The next `count` events with `command`, in order.
    func collect(_ count: Int, _ command: IMCommand, timeout: Duration = .seconds(30)) async throws -> [IMClientEvent] {
        var found: [IMClientEvent] = []
        while found.count < count {
            found.append(try await next(timeout: timeout) { $0.frame.command == command })
        }
        return found
    }
}
