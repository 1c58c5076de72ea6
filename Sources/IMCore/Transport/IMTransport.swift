/// How a client reaches the server: the same protocol and the same session behind each.
///
/// `/summary` and `/metrics` count connections per transport; `IMClient` and imbench connect over each.
public enum IMTransport: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// Frames on a TCP stream (`listen`, GoBelieve's `port`).
    case tcp
    /// Frames on a TLS stream (`tls_listen`, GoBelieve's `ssl_port`).
    case tls
    /// One frame per binary WebSocket message on path `/ws` (`ws_listen`, GoBelieve's `ws_address`).
    case ws
    /// WebSocket over TLS (`wss_listen`, GoBelieve's `wss_address`).
    case wss

    /// Whether the transport runs over TLS.
    public var isSecure: Bool { self == .tls || self == .wss }
    /// Whether the transport frames messages as WebSocket messages.
    public var isWebSocket: Bool { self == .ws || self == .wss }

    /// The configuration key of its listener: `listen`, `tls_listen`, `ws_listen`, `wss_listen`.
    public var listenKey: String { self == .tcp ? "listen" : "\(rawValue)_listen" }

    public var description: String { rawValue }
}
