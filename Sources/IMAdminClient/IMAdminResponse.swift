/// A successful (2xx) admin API reply.
public struct IMAdminResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// The body as received.
    public var body: [UInt8]

    /// A reply as received (tests build them too).
    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The body as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Whether the server said the body is JSON.
    public var isJSON: Bool { contentType?.lowercased().contains("json") ?? false }

    /// What the call returned: the `data` member of a `{"data":...}` reply; the whole value of other JSON
    /// replies (`/summary`); the text of a text reply (`/metrics`, `/stack`); null for an empty body
    /// (GoBelieve's post endpoints answer an empty 200).
    ///
    /// Throws `IMAdminError.Kind.badResponse` if a JSON reply does not parse.
    public func data() throws(IMAdminError) -> IMJSON {
        if body.isEmpty { return .null }
        guard isJSON else { return .string(text) }
        let json: IMJSON
        do {
            json = try IMJSON(parsing: body)
        } catch {
            throw IMAdminError(
                .badResponse,
                "the reply is not valid JSON: \(String(text.prefix(200)))",
                status: status
            )
        }
        if case .object(let members) = json, members.count == 1, let data = members["data"] { return data }
        return json
    }
}
