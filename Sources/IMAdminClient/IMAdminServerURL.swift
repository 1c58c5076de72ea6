import Foundation

/// The admin API's base URL: `http(s)://host[:port][/base/path]`.
///
/// Written by hand it may be shorter: `host` means `http://host:6666` (the admin API's default port) and
/// `host:port` means `http://host:port`. A full URL keeps its scheme's port (80, 443) when it has none,
/// so a server behind a reverse proxy works; a base path (`https://ops.example.com/im-admin`) prefixes
/// every request.
public struct IMAdminServerURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// A name or an address (IPv6 without brackets).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// Empty, or a path starting with `/` and not ending with one.
    public var basePath: String

    /// The admin API's default port (GoBelieve's).
    public static let defaultPort = 6666

    /// Parses `text`; the error says what is wrong with it.
    public init(parsing text: String) throws(IMAdminError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func bad(_ problem: String) -> IMAdminError {
            IMAdminError(.invalidConfiguration, "server URL \"\(text)\": \(problem)")
        }
        guard !trimmed.isEmpty else { throw bad("empty") }
        let hasScheme = trimmed.contains("://")
        guard let components = URLComponents(string: hasScheme ? trimmed : "http://" + trimmed) else {
            throw bad("not a URL (expected http://host:port)")
        }
        let scheme = components.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else { throw bad("the scheme must be http or https") }
        guard var host = components.host, !host.isEmpty else { throw bad("no host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard components.query == nil, components.fragment == nil else {
            throw bad("must not have a query or fragment")
        }
        guard components.user == nil, components.password == nil else {
            throw bad("must not hold credentials (use the admin token)")
        }
        if let port = components.port, !(1...65535).contains(port) { throw bad("port \(port) is outside 1...65535") }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (hasScheme ? (scheme == "https" ? 443 : 80) : Self.defaultPort)
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
    }

    /// `scheme://host:port/base`, IPv6 hosts bracketed.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(scheme)://\(host):\(port)\(basePath)"
    }

    /// Whether the connection uses TLS.
    public var isTLS: Bool { scheme == "https" }
}

extension IMAdminServerURL {
    /// Whether the host is this machine: `localhost`, 127.0.0.0/8 or ::1 (local tools may then send the
    /// token imd keeps for them).
    public var isLoopback: Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
