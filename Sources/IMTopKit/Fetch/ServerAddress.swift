import Foundation

/// The servers imtop watches: `--server` values turned into base URLs.
package enum ServerAddress {
    /// The admin API's default address (imd's `admin_listen`).
    package static let defaultServer = "http://127.0.0.1:6666"

    /// A base URL from what an operator typed: `host:port`, `:port`, `http(s)://host[:port][/]`, with or
    /// without a trailing `/summary`.
    ///
    /// - Throws: `IMTopError` naming the value when it is not an http(s) address.
    package static func normalise(_ text: String, option: String = "--server") throws(IMTopError) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix(":") { value = "127.0.0.1" + value }
        let bare = !value.contains("://")
        if bare { value = "http://" + value }
        while value.hasSuffix("/") { value.removeLast() }
        if value.hasSuffix("/summary") { value.removeLast("/summary".count) }
        guard value.hasPrefix("http://") || value.hasPrefix("https://") else {
            throw IMTopError.usage("\(option): \"\(text)\" is not an http(s) address (e.g. 127.0.0.1:6666)")
        }
        let rest = value.split(separator: "://", maxSplits: 1)[1]
        let authority = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        let (host, port) = split(authority)
        guard !host.isEmpty, !host.contains(" ") else {
            throw IMTopError.usage("\(option): \"\(text)\" has no host")
        }
        if let port, UInt16(port) == nil {
            throw IMTopError.usage("\(option): \"\(text)\" has a bad port \"\(port)\"")
        }
        // A bare host is imd's admin port; a URL with a scheme means what it says (port 80 or 443).
        if port == nil, bare, !rest.contains("/") { value += ":6666" }
        return value
    }

    /// Servers from a list like `IMTOP_SERVERS`: separated by commas or whitespace.
    package static func list(_ text: String, option: String) throws(IMTopError) -> [String] {
        var servers: [String] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" }) {
            servers.append(try normalise(String(part), option: option))
        }
        return servers
    }

    /// "127.0.0.1:6666" from "http://127.0.0.1:6666".
    package static func hostAndPort(_ server: String) -> String {
        guard let range = server.range(of: "://") else { return server }
        return String(server[range.upperBound...])
    }

    private static func split(_ authority: String) -> (host: String, port: String?) {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return (authority, nil) }
            let host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            return (host, after.hasPrefix(":") ? String(after.dropFirst()) : nil)
        }
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
    }
}
