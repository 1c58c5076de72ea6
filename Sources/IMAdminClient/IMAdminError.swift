/// Why an admin API call failed, grouped by what the caller does next.
///
/// `description` says which server, which request, what failed and, for a refusal, the server's own
/// message (`uid: must be positive`): `http://127.0.0.1:6666: POST /users/kick: refused (400): uid: ...`.
public struct IMAdminError: Error, Sendable, CustomStringConvertible {
    /// What failed, which decides what to do next (and imctl's exit code). Raw values are stable; new
    /// kinds may be added, so a `switch` over them needs a `default`.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// No connection: refused, no route, DNS, TLS handshake, connection reset. Check the URL and that
        /// the server runs.
        public static let unreachable = Kind(rawValue: "unreachable")
        /// Connected (or trying) but no complete answer in time.
        public static let timeout = Kind(rawValue: "timeout")
        /// The server rejected the admin token (HTTP 401 or 403).
        public static let authFailed = Kind(rawValue: "auth_failed")
        /// The server answered with another 4xx or 5xx: a bad argument, a missing object, a server error.
        public static let refused = Kind(rawValue: "refused")
        /// A 2xx whose body is not what the API sends (not JSON where JSON was due): a wrong URL, a proxy.
        public static let badResponse = Kind(rawValue: "bad_response")
        /// The client's own settings are wrong (a malformed server URL, an unreadable token or CA file).
        public static let invalidConfiguration = Kind(rawValue: "invalid_configuration")

        /// The kinds this version of the client reports.
        public static let allCases: [Kind] = [
            .unreachable, .timeout, .authFailed, .refused, .badResponse, .invalidConfiguration,
        ]

        public var description: String { rawValue }
    }

    /// What failed.
    public var kind: Kind
    /// What went wrong: the server's `meta.message` for refusals and auth failures, else the cause.
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The server's base URL (set by `IMAdminClient`).
    public var server: String?
    /// `METHOD /path` of the call (set by `IMAdminClient`).
    public var request: String?
    /// The server's reply when it answered with an error status or a body the call could not read.
    public var reply: IMAdminResponse?
    /// What the HTTP client or the JSON decoder threw, for a tool that words failures its own way.
    public var underlying: (any Error)?

    /// An error of `kind`; `IMAdminClient` fills in `server` and `request`.
    public init(
        _ kind: Kind,
        _ message: String,
        status: Int? = nil,
        server: String? = nil,
        request: String? = nil,
        reply: IMAdminResponse? = nil,
        underlying: (any Error)? = nil
    ) {
        self.kind = kind
        self.message = message
        self.status = status
        self.server = server
        self.request = request
        self.reply = reply
        self.underlying = underlying
    }

    /// `server: METHOD /path: what failed: message`.
    public var description: String {
        var parts: [String] = []
        if let server { parts.append(server) }
        if let request { parts.append(request) }
        let what: String
        switch kind {
        case .unreachable: what = "cannot connect: \(message)"
        case .timeout: what = "timed out: \(message)"
        case .authFailed: what = "authentication failed (\(status.map(String.init) ?? "?")): \(message)"
        case .refused: what = "refused (\(status.map(String.init) ?? "?")): \(message)"
        case .badResponse: what = "unexpected reply\(status.map { " (\($0))" } ?? ""): \(message)"
        default: what = message
        }
        parts.append(what)
        return parts.joined(separator: ": ")
    }
}
