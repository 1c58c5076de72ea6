/// What an admin request carries, and where in HTTP it goes: path parameters, query or body.
///
/// A client writes a value into `IMAdminHTTPParts`; the server reads it back from what arrived, and a
/// problem names the bad field. Types whose whole content is a JSON body conform through
/// `IMAdminJSONParameters`; requests with nothing to carry use `IMAdminNone`.
public protocol IMAdminParameters: Sendable {
    /// Writes the value into `parts` (a client's side).
    func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem)
    /// Reads a value from the parts of a request that arrived (the server's side).
    ///
    /// - Throws: `IMAdminProblem` naming the field that is missing or malformed.
    init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem)
}

/// A request that is its JSON body, with the field names as they are on the wire.
public protocol IMAdminJSONParameters: IMAdminParameters, Codable {}

extension IMAdminJSONParameters {
    public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
        try parts.setJSON(self)
    }

    public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
        self = try parts.json(Self.self)
    }
}

/// A request that carries nothing.
public struct IMAdminNone: IMAdminParameters, Equatable {
    public init() {}

    public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {}

    public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {}
}

/// An empty JSON object, `{}`: what `/post_customer_message` returns as its data.
public struct IMEmpty: Codable, Sendable, Equatable {
    public init() {}
}
