import NIOSSL

/// How a client reaches the server: TCP, TLS, WebSocket or WebSocket over TLS, and for the TLS ones how
/// the server's certificate is checked.
///
/// `IMClient.connect(host:port:transport:)` takes it; imbench drives its connections with the same
/// pipelines. Build one with `.tcp`, `.tls(...)`, `.webSocket(...)` or `.secureWebSocket(...)`.
public struct IMClientTransport: Sendable {
    /// The transport.
    public var kind: IMTransport
    /// For `.tls` and `.wss`: trust roots and verification. Default: the system's roots, full
    /// verification (`TLSConfiguration.makeClientConfiguration()`).
    public var tlsConfiguration: TLSConfiguration
    /// For `.tls` and `.wss`: the name the certificate must carry, also sent as SNI. Default nil: the
    /// host connected to (an IP address is checked against the certificate's IP addresses and not sent).
    public var serverHostname: String?
    /// For `.ws` and `.wss`: the path of the upgrade request. Default `/ws` (the server's).
    public var webSocketPath: String = "/ws"
    /// For `.ws` and `.wss`: the largest WebSocket message accepted from the server. Default 1 MiB.
    public var maxWebSocketMessageSize: Int = 1 << 20

    public init(
        kind: IMTransport,
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        serverHostname: String? = nil
    ) {
        self.kind = kind
        self.tlsConfiguration = tlsConfiguration
        self.serverHostname = serverHostname
    }

    /// Frames on TCP.
    public static var tcp: IMClientTransport { IMClientTransport(kind: .tcp) }

    /// Frames on TLS.
    public static func tls(
        _ configuration: TLSConfiguration = .makeClientConfiguration(),
        serverHostname: String? = nil
    ) -> IMClientTransport {
        IMClientTransport(kind: .tls, tlsConfiguration: configuration, serverHostname: serverHostname)
    }

    /// One frame per binary WebSocket message, upgraded on `path`.
    public static func webSocket(path: String = "/ws") -> IMClientTransport {
        var transport = IMClientTransport(kind: .ws)
        transport.webSocketPath = path
        return transport
    }

    /// WebSocket over TLS.
    public static func secureWebSocket(
        _ configuration: TLSConfiguration = .makeClientConfiguration(),
        serverHostname: String? = nil,
        path: String = "/ws"
    ) -> IMClientTransport {
        var transport = IMClientTransport(kind: .wss, tlsConfiguration: configuration, serverHostname: serverHostname)
        transport.webSocketPath = path
        return transport
    }
}

extension IMClientTransport {
    /// A TLS client configuration that trusts only `roots` (a private CA, or a self-signed server
    /// certificate), with full verification.
    public static func trusting(_ roots: [NIOSSLCertificate]) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(roots)
        return configuration
    }

    /// A TLS client configuration that accepts any certificate: encryption without authentication, for
    /// load tests against a server whose certificate the client cannot check.
    public static var unverified: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}
