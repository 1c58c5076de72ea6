import HTTPTypes
import Hummingbird
import IMAdminAPI
import NIOCore

/// What every admin handler gets besides its request: the server's parts and the metrics registry.
package struct AdminContext: Sendable {
    package let core: ServerContext
    /// `/metrics`'s registry: one per server, so counters carry over from scrape to scrape.
    let metrics: MetricsExporter

    init(core: ServerContext) {
        self.core = core
        self.metrics = MetricsExporter(core: core)
    }
}

/// One endpoint's handler: the decoded request in, the reply's value out. Errors are `AdminError`s
/// (status and message); anything else is a 500.
package typealias AdminHandler<Endpoint: IMAdminEndpoint> =
    @Sendable (AdminContext, Endpoint.Request) async throws -> Endpoint.Response

/// Where `AdminRoutes` puts each endpoint and its handler: the HTTP router, or a test's list.
package protocol AdminRouteRegistrar {
    /// Serves `endpoint` (its methods and path) with `handler`.
    mutating func add<Endpoint: IMAdminEndpoint>(_ endpoint: Endpoint.Type, _ handler: @escaping AdminHandler<Endpoint>)
}

/// Routes on a Hummingbird router: each request's path parameters, query and body are decoded into the
/// endpoint's request, and the handler's value is encoded as the endpoint's reply.
struct HummingbirdRoutes: AdminRouteRegistrar {
    /// The largest body read; a longer one is a 413 when the request needs it.
    static let bodyLimit = 1 << 20

    let router: Router<BasicRequestContext>
    let admin: AdminContext

    func add<Endpoint: IMAdminEndpoint>(_ endpoint: Endpoint.Type, _ handler: @escaping AdminHandler<Endpoint>) {
        let admin = admin
        for method in endpoint.methods {
            router.on(RouterPath(endpoint.path), method: HTTPRequest.Method(rawValue: method.rawValue)!) {
                request, context in
                try await Self.serve(endpoint, request, context, admin, handler)
            }
        }
    }

    private static func serve<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        _ request: Request,
        _ context: BasicRequestContext,
        _ admin: AdminContext,
        _ handler: AdminHandler<Endpoint>
    ) async throws -> Response {
        if Endpoint.writes, let reason = admin.core.readOnlyReason { throw AdminError(.conflict, reason) }
        let parts = await parts(of: request, context)
        let decoded: Endpoint.Request
        do {
            decoded = try Endpoint.Request(reading: parts)
        } catch {
            throw AdminError(error)
        }
        let reply = try Endpoint.Reply.encode(try await handler(admin, decoded))
        var headers = HTTPFields()
        if let contentType = reply.contentType { headers[.contentType] = contentType }
        return Response(
            status: .ok,
            headers: headers,
            body: reply.bytes.isEmpty ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: reply.bytes))
        )
    }

    /// What the request carries, as the shared types read it.
    private static func parts(of request: Request, _ context: BasicRequestContext) async -> IMAdminHTTPParts {
        var parts = IMAdminHTTPParts()
        for (name, value) in context.parameters { parts.pathParameters[String(name)] = String(value) }
        parts.query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        do {
            let body = try await request.body.collect(upTo: bodyLimit)
            if body.readableBytes > 0 { parts.body = Array(body.readableBytesView) }
        } catch {
            parts.bodyLimit = bodyLimit
        }
        return parts
    }
}
