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
    ///   - server: Where; default `configuration.server`.
    /// - Throws: `.unreachable`, `.timeout`, `.authFailed` (401/403), `.refused` (other statuses, with the
    ///   server's `meta.message` and the reply), each carrying the server URL and `METHOD /path`.
    public func send(
        _ request: IMAdminRequest,
        server: IMAdminServerURL? = nil
    ) async throws(IMAdminError) -> IMAdminResponse {
        let server = server ?? configuration.server
        do {
            return try await perform(request, server: server)
        } catch var error {
            error.server = server.description
            error.request = request.line
            throw error
        }
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
            var lines = [
                "> \(request.line) HTTP/1.1", "> Host: \(server.host):\(server.port)",
            ]
            for header in outgoing.headers {
                let value = header.name.lowercased() == "authorization" ? "Bearer <redacted>" : header.value
                lines.append("> \(header.name): \(value)")
            }
            lines += Self.traceBody(bodyBytes, prefix: ">")
            trace(lines.joined(separator: "\n"))
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
                let elapsed = ContinuousClock.now - started
                var lines = ["< HTTP \(status) \(response.status.reasonPhrase) (\(Self.format(elapsed)))"]
                for header in response.headers { lines.append("< \(header.name): \(header.value)") }
                lines += Self.traceBody(body, prefix: "<")
                trace(lines.joined(separator: "\n"))
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

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return "\(error)"
    }

    private static func traceBody(_ body: [UInt8], prefix: String) -> [String] {
        guard !body.isEmpty else { return [] }
        let limit = 16 << 10
        var text = String(decoding: body.prefix(limit), as: UTF8.self)
        if body.count > limit { text += "\n... (\(body.count - limit) more bytes)" }
        return [prefix] + text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(prefix) \($0)" }
    }

    /// `10 s`, `250 ms`, `1.5 s`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        if total < 1 { return "\(Int((total * 1000).rounded())) ms" }
        if total.rounded() == total { return "\(Int(total)) s" }
        return String(format: "%.1f s", total)
    }

    private static func tlsConfiguration(
        _ tls: IMAdminClientConfiguration.TLS
    ) throws(IMAdminError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if tls.insecure { configuration.certificateVerification = .none }
        if let caFile = tls.caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
                configuration.trustRoots = .certificates(certificates)
            } catch {
                throw IMAdminError(.invalidConfiguration, "CA file \(caFile): \(fileProblem(caFile, error))")
            }
        }
        switch (tls.certificateFile, tls.keyFile) {
        case (nil, nil):
            break
        case (let certificateFile?, let keyFile?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map {
                    .certificate($0)
                }
            } catch {
                throw IMAdminError(
                    .invalidConfiguration,
                    "client certificate \(certificateFile): \(fileProblem(certificateFile, error))"
                )
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw IMAdminError(.invalidConfiguration, "client key \(keyFile): \(fileProblem(keyFile, error))")
            }
        default:
            throw IMAdminError(
                .invalidConfiguration,
                "a client certificate needs both the certificate and its key file"
            )
        }
        return configuration
    }

    private static func fileProblem(_ path: String, _ error: any Error) -> String {
        FileManager.default.isReadableFile(atPath: path)
            ? "not a PEM file this client can use (\(error))" : IMAdminCredentials.unreadableReason(path)
    }
}
