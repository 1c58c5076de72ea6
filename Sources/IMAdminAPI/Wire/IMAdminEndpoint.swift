/// An HTTP method of the admin API.
public enum IMAdminMethod: String, Sendable, Hashable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
}

/// One endpoint of the admin API: its methods, its path, what a request carries and what the reply is.
///
/// The server decodes `Request` from what arrives and encodes `Reply`; `IMAdminClient` does the reverse,
/// so both ends read the same declaration. Every endpoint is listed once in `IMAdmin.endpoints`.
///
/// ```swift
/// let kicked = try await client.call(IMAdmin.UserKick.self, .init(appid: 7, uid: 42))
/// print(kicked.kicked)
/// ```
public protocol IMAdminEndpoint: Sendable {
    /// What a request carries (path parameters, query, body).
    associatedtype Request: IMAdminParameters
    /// How the reply is laid out (`{"data":...}`, a bare object, text or nothing).
    associatedtype Reply: IMAdminReplyForm
    /// What the reply holds.
    typealias Response = Reply.Value

    /// The methods it answers to; GoBelieve's endpoints take GET and POST alike. Clients send the first.
    static var methods: [IMAdminMethod] { get }
    /// The path, with `:name` for a path parameter (`/groups/:gid`).
    static var path: String { get }
    /// Whether a request needs `Authorization: Bearer <admin token>`. Default true; monitoring scrapes
    /// (`/summary`, `/metrics`, `/health`) need none.
    static var needsToken: Bool { get }
    /// Whether it changes what the server keeps (messages, tokens, groups, friends): a replica
    /// (`replica_of`) refuses it with 409. Default false.
    static var writes: Bool { get }
}

extension IMAdminEndpoint {
    public static var needsToken: Bool { true }
    public static var writes: Bool { false }

    /// `GET /groups/:gid` (`GET|POST /post_peer_message` for several methods).
    public static var routeDescription: String {
        methods.map(\.rawValue).joined(separator: "|") + " " + path
    }

    /// The path with each `:name` segment replaced by `parameters[name]` (left as it is when missing).
    public static func path(filling parameters: [String: String]) -> String {
        guard path.contains(":") else { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix(":"), let value = parameters[String(segment.dropFirst())] else {
                return String(segment)
            }
            return value
        }.joined(separator: "/")
    }
}
