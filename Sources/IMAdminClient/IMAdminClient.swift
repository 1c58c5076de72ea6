import AsyncHTTPClient
import Foundation
@_exported import IMAdminAPI
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A client of swift-im's admin HTTP API (and GoBelieve's endpoints on it), for tools: imctl, imtop,
/// scripts in Swift.
///
/// Each call is one HTTP request with the bearer token; replies are `{"data":...}` or, for errors,
/// `{"meta":{"code","message"}}`. Every failure is an `IMAdminError` whose kind says what to do next
/// (unreachable or timed out, token rejected, refused with the server's message). Calls may run
/// concurrently, up to `configuration.maxConnections` at once. Call `shutdown()` when done, or use
/// `withClient(_:_:)`.
///
/// ```swift
/// let configuration = IMAdminClientConfiguration(server: try IMAdminServerURL(parsing: "127.0.0.1:6666"),
///                                                token: "secret")
/// let kicked = try await IMAdminClient.withClient(configuration) { client in
///     try await client.call(IMAdmin.UserKick.self, .init(appid: 7, uid: 42)).kicked
/// }
/// ```
///
/// One client may watch several servers with the same token (`server:` on each call), as imtop does.
public final class IMAdminClient: Sendable {
    /// What the client was made with.
    public let configuration: IMAdminClientConfiguration
    private let http: HTTPClient
    private let isShutDown = Mutex(false)

    /// Checks the configuration (reads the TLS files); opens no connection yet.
    ///
    /// - Throws: `.invalidConfiguration` naming an unreadable or invalid TLS file.
    public init(configuration: IMAdminClientConfiguration) throws(IMAdminError) {
        self.configuration = configuration
        var http = HTTPClient.Configuration(
            tlsConfiguration: try Self.tlsConfiguration(configuration.tls),
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(configuration.timeout), read: TimeAmount(configuration.timeout)),
            connectionPool: .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, configuration.maxConnections)
            ),
            decompression: .disabled
        )
        http.httpVersion = .http1Only
        // A refused connection or failed TLS handshake is reported at once, not retried until the timeout:
        // a tool should say "the server is down" now.
        http.connectionPool.retryConnectionEstablishment = false
        self.http = HTTPClient(eventLoopGroup: .singletonMultiThreadedEventLoopGroup, configuration: http)
    }

    /// Runs `body` with a client and shuts it down afterwards, whether `body` returns or throws.
    public static func withClient<T>(
        _ configuration: IMAdminClientConfiguration,
        _ body: (IMAdminClient) async throws -> T
    ) async throws -> T {
        let client = try IMAdminClient(configuration: configuration)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Closes the connections. Calls made afterwards fail.
    public func shutdown() async {
        isShutDown.withLock { $0 = true }
        try? await http.shutdown()
    }

    /// A client dropped without `shutdown()` closes its connections in the background.
    deinit {
        if !isShutDown.withLock({ $0 }) { http.shutdown { _ in } }
    }

    /// Sends `request` and returns the reply if its status is 2xx.
    ///
    /// - Parameters:
    ///   - request: What to send.
    ///   - server: Where; default `configuration.server`, then each of `configuration.fallbackServers` while
    ///     the one before cannot be connected to.
    /// - Throws: `.unreachable`, `.timeout`, `.authFailed` (401/403), `.refused` (other statuses, with the
    ///   server's `meta.message` and the reply), each carrying the server URL and `METHOD /path`.
    public func send(
        _ request: IMAdminRequest,
        server: IMAdminServerURL? = nil
    ) async throws(IMAdminError) -> IMAdminResponse {
        let servers = server.map { [$0] } ?? [configuration.server] + configuration.fallbackServers
        var failure: IMAdminError?
        for server in servers {
            do {
                return try await perform(request, server: server)
            } catch var error {
                error.server = server.description
                error.request = request.line
                failure = error
                // Only a server that could not be reached is passed over: the request never left.
                guard error.kind == .unreachable else { throw error }
            }
        }
        throw failure!
    }

    /// Sends `request` and returns what it returned (`IMAdminResponse.data()`).
    public func data(_ request: IMAdminRequest) async throws(IMAdminError) -> IMJSON {
        let response = try await send(request)
        do {
            return try response.data()
        } catch var error {
            error.server = configuration.server.description
            error.request = request.line
            throw error
        }
    }

    private func perform(
        _ request: IMAdminRequest,
        server: IMAdminServerURL
    ) async throws(IMAdminError) -> IMAdminResponse {
        let url = server.description + request.target
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers.add(name: "User-Agent", value: configuration.userAgent)
        outgoing.headers.add(name: "Accept", value: "application/json, text/plain")
        if let token = configuration.token { outgoing.headers.add(name: "Authorization", value: "Bearer \(token)") }
        var bodyBytes: [UInt8] = []
        switch request.body {
        case .json(let json):
            bodyBytes = Array(json.encoded().utf8)
            outgoing.headers.add(name: "Content-Type", value: "application/json")
        case .bytes(let bytes):
            bodyBytes = bytes
            outgoing.headers.add(name: "Content-Type", value: "application/octet-stream")
        case nil:
            break
        }
        if request.body != nil { outgoing.body = .bytes(ByteBuffer(bytes: bodyBytes)) }
        if let trace = configuration.trace {
            Self.traceRequest(trace, request, outgoing, body: bodyBytes, server: server)
        }

        let started = ContinuousClock.now
        let status: Int
        let contentType: String?
        let body: [UInt8]
        do {
            let deadline = NIODeadline.now() + TimeAmount(configuration.timeout)
            let response = try await http.execute(outgoing, deadline: deadline)
            status = Int(response.status.code)
            contentType = response.headers.first(name: "Content-Type")
            var collected = try await response.body.collect(upTo: configuration.maxResponseBytes)
            body = collected.readBytes(length: collected.readableBytes) ?? []
            if let trace = configuration.trace {
                Self.traceResponse(trace, response, body: body, elapsed: ContinuousClock.now - started)
            }
        } catch {
            throw Self.classify(error, timeout: configuration.timeout, limit: configuration.maxResponseBytes)
        }
        let response = IMAdminResponse(status: status, contentType: contentType, body: body)
        guard (200..<300).contains(status) else {
            let message = Self.serverMessage(body) ?? HTTPResponseStatus(statusCode: status).reasonPhrase
            throw IMAdminError(
                status == 401 || status == 403 ? .authFailed : .refused,
                message,
                status: status,
                reply: response
            )
        }
        return response
    }
}
