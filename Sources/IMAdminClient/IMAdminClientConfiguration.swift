/// Where the admin API is and how to talk to it. Data only: `IMAdminClient.init` checks it.
public struct IMAdminClientConfiguration: Sendable {
    /// TLS settings for an `https` server (the admin API behind a TLS proxy, or a TLS listener).
    public struct TLS: Sendable, Hashable {
        /// PEM file with the CA certificates to trust instead of the system's. Default none.
        public var caFile: String?
        /// Skip certificate verification (a self-signed test server). Default false.
        public var insecure: Bool = false
        /// PEM client certificate chain and key, for a server that wants mutual TLS. Default none.
        public var certificateFile: String?
        public var keyFile: String?

        /// - Parameters: see the properties; every default is off.
        public init(
            caFile: String? = nil,
            insecure: Bool = false,
            certificateFile: String? = nil,
            keyFile: String? = nil
        ) {
            self.caFile = caFile
            self.insecure = insecure
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// The admin API's base URL. Default `http://127.0.0.1:6666`.
    public var server: IMAdminServerURL
    /// Other nodes of the same cluster, tried in order when `server` cannot be connected to (a request
    /// that reached a server is never sent again). Default none.
    public var fallbackServers: [IMAdminServerURL] = []
    /// The bearer token; nil sends no `Authorization` header. See `IMAdminCredentials.resolve`.
    public var token: String?
    /// The longest one call may take, connecting included. Default 10 s.
    public var timeout: Duration = .seconds(10)
    /// TLS for `https` servers. Default: the system's trust roots, verification on, no client certificate.
    public var tls = TLS()
    /// HTTP/1.1 connections kept to the server, which is how many calls run at once. Default 8.
    public var maxConnections: Int = 8
    /// A reply larger than this fails. Default 64 MiB.
    public var maxResponseBytes: Int = 64 << 20
    /// Receives the request and the reply, a few lines each (`> POST /users/kick`, `< 200 OK`, headers,
    /// bodies up to 16 KiB), with the token redacted: a `--verbose` switch. Default none.
    public var trace: (@Sendable (String) -> Void)?

    /// The `User-Agent` header, which the server logs. Default `IMAdminClient`.
    public var userAgent = "IMAdminClient"

    /// The default server: the admin API's default address on this machine.
    public static let defaultServer = "http://127.0.0.1:6666"

    /// - Parameters:
    ///   - server: The base URL. Default `http://127.0.0.1:6666`.
    ///   - token: The admin token. Default none.
    public init(server: IMAdminServerURL? = nil, token: String? = nil) {
        self.server = server ?? (try! IMAdminServerURL(parsing: Self.defaultServer))
        self.token = token
    }
}
