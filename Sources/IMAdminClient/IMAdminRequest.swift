/// One admin API call: method, path, query and body. Building one does no I/O.
public struct IMAdminRequest: Sendable, Hashable {
    /// The HTTP methods the admin API uses.
    public typealias Method = IMAdminMethod

    /// What the request carries.
    public enum Body: Sendable, Hashable {
        /// `Content-Type: application/json`.
        case json(IMJSON)
        /// The bytes as they are (a GoBelieve message body: the message content itself).
        case bytes([UInt8])
    }

    /// The HTTP method.
    public var method: Method
    /// The path below the server URL, starting with `/` (`/users/kick`); not percent-encoded.
    public var path: String
    /// Query parameters in order; names may repeat.
    public var query: [(name: String, value: String)]
    /// What the request carries; nil for none.
    public var body: Body?

    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: Starts with `/`; each segment is percent-encoded when sent.
    ///   - query: Parameters, in order. Default none.
    ///   - body: Default none.
    public init(_ method: Method, _ path: String, query: [(name: String, value: String)] = [], body: Body? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }

    /// The request for `endpoint`: its first method, its path with the parameters filled in, the query
    /// and the body that `request` writes.
    ///
    /// - Throws: `.invalidConfiguration` if the request cannot be encoded (nothing is sent).
    public init<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        _ request: Endpoint.Request
    ) throws(IMAdminError) {
        var parts = IMAdminHTTPParts()
        do {
            try request.write(to: &parts)
        } catch {
            throw IMAdminError(.invalidConfiguration, error.message)
        }
        var body: Body?
        if let bytes = parts.body {
            if parts.bodyIsJSON, let json = try? IMJSON(parsing: bytes) {
                body = .json(json)
            } else {
                body = .bytes(bytes)
            }
        }
        self.init(
            endpoint.methods.first ?? .get,
            endpoint.path(filling: parts.pathParameters),
            query: parts.query,
            body: body
        )
    }

    /// `METHOD /path?query` as sent (percent-encoded), for messages and `--verbose`.
    public var line: String { "\(method.rawValue) \(target)" }

    /// The path and query, percent-encoded.
    public var target: String {
        let path = self.path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.percentEncode(String($0)) }.joined(separator: "/")
        guard !query.isEmpty else { return path }
        return path + "?"
            + query.map { Self.percentEncode($0.name) + "=" + Self.percentEncode($0.value) }
            .joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay; every other byte becomes `%XX`.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    public static func == (lhs: IMAdminRequest, rhs: IMAdminRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
            && lhs.query.map { [$0.name, $0.value] } == rhs.query.map { [$0.name, $0.value] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(path)
        for item in query {
            hasher.combine(item.name)
            hasher.combine(item.value)
        }
        hasher.combine(body)
    }
}

extension IMAdminRequest: CustomStringConvertible {
    public var description: String { line }
}
