/// The parts of an HTTP request that carry an admin request: path parameters, query and body.
///
/// A client fills them in (`IMAdminParameters.write(to:)`); the server reads them back
/// (`IMAdminParameters.init(reading:)`) with the helpers here, whose problems name the field as the
/// admin API always has (`uid: missing`, `limit: must be an integer, got "x"`).
public struct IMAdminHTTPParts: Sendable {
    /// `:name` segments of the endpoint's path, by name.
    public var pathParameters: [String: String]
    /// Query parameters in order; names may repeat.
    public var query: [(name: String, value: String)]
    /// The body; nil for none.
    public var body: [UInt8]?
    /// Whether `body` is JSON (else the bytes are the content itself, as GoBelieve's message posts send).
    public var bodyIsJSON: Bool
    /// Set by a server that stopped reading a body past this many bytes: reading the body is a 413.
    public var bodyLimit: Int?

    /// Parts as given; default nothing.
    public init(
        pathParameters: [String: String] = [:],
        query: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        bodyIsJSON: Bool = false,
        bodyLimit: Int? = nil
    ) {
        self.pathParameters = pathParameters
        self.query = query
        self.body = body
        self.bodyIsJSON = bodyIsJSON
        self.bodyLimit = bodyLimit
    }

    // MARK: Writing (clients)

    /// Adds `name=value` to the query.
    public mutating func add(_ name: String, _ value: Int64) {
        query.append((name: name, value: String(value)))
    }

    /// Adds `name=value` to the query when `value` is not nil.
    public mutating func add(_ name: String, _ value: Int64?) {
        if let value { add(name, value) }
    }

    /// `value` as the JSON body.
    public mutating func setJSON(_ value: some Encodable) throws(IMAdminProblem) {
        do {
            body = try IMAdminJSON.encode(value)
        } catch {
            throw IMAdminProblem.badField("body", "cannot be encoded: \(error)")
        }
        bodyIsJSON = true
    }

    // MARK: Reading (the server)

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// A required integer query parameter.
    public func int(_ name: String) throws(IMAdminProblem) -> Int64 {
        guard let text = queryValue(name) else { throw .badField(name, "missing") }
        guard let value = Int64(text) else { throw .badField(name, "must be an integer, got \"\(text)\"") }
        return value
    }

    /// An optional integer query parameter.
    public func optionalInt(_ name: String) throws(IMAdminProblem) -> Int64? {
        queryValue(name) == nil ? nil : try int(name)
    }

    /// An optional boolean query parameter: `true`/`1` or `false`/`0`; false when absent.
    public func flag(_ name: String) throws(IMAdminProblem) -> Bool {
        switch queryValue(name) {
        case nil, "false", "0": return false
        case "true", "1": return true
        case let text?: throw .badField(name, "must be true or false, got \"\(text)\"")
        }
    }

    /// Integers from a query parameter given as `name=1,2,3`, repeated, or both; empty if absent.
    public func intList(_ name: String) throws(IMAdminProblem) -> [Int64] {
        var values: [Int64] = []
        for item in query where item.name == name {
            for text in item.value.split(separator: ",") {
                guard let value = Int64(text) else { throw .badField(name, "must be integers, got \"\(text)\"") }
                values.append(value)
            }
        }
        return values
    }

    /// An integer path parameter; a problem names `field` (default the parameter's name).
    public func pathInt(_ name: String, field: String? = nil) throws(IMAdminProblem) -> Int64 {
        let text = pathParameters[name] ?? ""
        guard let value = Int64(text) else {
            throw .badField(field ?? name, "must be an integer, got \"\(text)\"")
        }
        return value
    }

    /// The body's bytes (empty for none); a 413 if the server stopped reading it.
    public func bytes() throws(IMAdminProblem) -> [UInt8] {
        if let bodyLimit { throw .bodyTooLarge(bodyLimit) }
        return body ?? []
    }

    /// The body decoded as `type`; a missing or mistyped field is a 400 that names it.
    public func json<T: Decodable>(_ type: T.Type) throws(IMAdminProblem) -> T {
        let bytes = try bytes()
        do {
            return try IMAdminJSON.decode(type, from: bytes)
        } catch {
            throw .decoding(error)
        }
    }

    /// The body decoded as `type`, or nil when there is none.
    public func optionalJSON<T: Decodable>(_ type: T.Type) throws(IMAdminProblem) -> T? {
        try bytes().isEmpty ? nil : try json(type)
    }
}
