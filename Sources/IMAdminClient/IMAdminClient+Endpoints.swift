extension IMAdminClient {
    /// Calls `endpoint` with `request` and returns its reply, decoded.
    ///
    /// - Parameters:
    ///   - endpoint: The declaration (`IMAdmin.UserKick.self`): method, path, request and reply types.
    ///   - request: What to send.
    ///   - server: Where; default `configuration.server`.
    /// - Throws: as `send(_:server:)`, and `.badResponse` (with the reply) when a 2xx reply is not what the
    ///   endpoint sends.
    public func call<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        _ request: Endpoint.Request,
        server: IMAdminServerURL? = nil
    ) async throws(IMAdminError) -> Endpoint.Response {
        try await exchange(endpoint, request, server: server).response
    }

    /// Calls an endpoint whose request carries nothing (`IMAdmin.Health.self`).
    public func call<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        server: IMAdminServerURL? = nil
    ) async throws(IMAdminError) -> Endpoint.Response where Endpoint.Request == IMAdminNone {
        try await call(endpoint, IMAdminNone(), server: server)
    }

    /// Calls `endpoint` and returns the decoded reply and the reply as it came (for a recording).
    public func exchange<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        _ request: Endpoint.Request,
        server: IMAdminServerURL? = nil
    ) async throws(IMAdminError) -> (response: Endpoint.Response, reply: IMAdminResponse) {
        let server = server ?? configuration.server
        var outgoing: IMAdminRequest
        do {
            outgoing = try IMAdminRequest(endpoint, request)
        } catch var error {
            error.server = server.description
            throw error
        }
        let reply = try await send(outgoing, server: server)
        do {
            return (try Endpoint.Reply.decode(reply.body), reply)
        } catch {
            throw IMAdminError(
                .badResponse,
                "the reply is not what \(endpoint.routeDescription) sends: \(Self.describe(decoding: error))",
                status: reply.status,
                server: server.description,
                request: outgoing.line,
                reply: reply,
                underlying: error
            )
        }
    }

    /// `data.count: missing`, or the start of a body that is not JSON.
    static func describe(decoding error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return ((path(context).isEmpty ? "" : path(context) + ".") + key.stringValue) + ": missing"
        case .typeMismatch(let type, let context): return "\(path(context)): not \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): null, not \(type)"
        case .dataCorrupted: return "not JSON"
        @unknown default: return "\(error)"
        }
    }
}
