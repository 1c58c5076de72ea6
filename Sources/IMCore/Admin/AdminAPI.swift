import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The admin HTTP API (DESIGN §6): GoBelieve's endpoints with their paths, parameters and JSON shapes,
/// plus ours (tokens, users, store, config, log level, `/metrics`, `/stack`). JSON in and out; errors as `{"meta":{"code","message"}}`.
enum AdminAPI {
    /// Endpoints that answer without the admin token (monitoring scrapes them).
    static let openPaths: Set<String> = ["/summary", "/metrics", "/health"]

    static func application(
        core: ServerContext,
        address: IMServerConfiguration.Endpoint,
        onRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: AuthMiddleware(token: core.configuration.admin.token))
        let metrics = MetricsExporter(core: core)
        addGoBelieveRoutes(to: router, core: core)
        addTokenRoutes(to: router, core: core)
        addGroupRoutes(to: router, core: core)
        addRelationRoutes(to: router, core: core)
        addWordRoutes(to: router, core: core)
        addUserRoutes(to: router, core: core)
        addStoreRoutes(to: router, core: core)
        addConfigRoutes(to: router, core: core)
        addLoggingRoutes(to: router, core: core)
        router.get("/summary") { request, _ in
            AdminJSON.response(try await Summary.make(core: core, appID: try request.optionalInt("appid")))
        }
        router.get("/health") { _, _ in
            AdminJSON.data(["status": "ok", "node_id": core.configuration.nodeID, "version": core.version])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.scrape()))
            )
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/stack", method: method) { _, _ in
                let dump = await StackDump.make(core: core)
                core.logger.info("stack dump requested:\n\(dump)")
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: dump))
                )
            }
        }
        var logger = core.logger
        logger[metadataKey: "component"] = "admin"
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port),
                serverName: "swift-im/\(core.version)"
            ),
            onServerRunning: onRunning,
            logger: logger
        )
    }

    /// Every endpoint but `openPaths` needs `Authorization: Bearer <admin token>` when a token is set.
    struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
        let token: String?

        func handle(
            _ request: Request,
            context: Context,
            next: (Request, Context) async throws -> Response
        ) async throws -> Response {
            guard let token, !AdminAPI.openPaths.contains(request.uri.path) else {
                return try await next(request, context)
            }
            guard let header = request.headers[.authorization] else {
                throw AdminError(.unauthorized, "Authorization: missing (send \"Authorization: Bearer <admin token>\")")
            }
            guard header.hasPrefix("Bearer "), constantTimeEqual(Array(header.utf8.dropFirst(7)), Array(token.utf8))
            else { throw AdminError(.unauthorized, "Authorization: wrong admin token") }
            return try await next(request, context)
        }

        private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            guard a.count == b.count else { return false }
            var difference: UInt8 = 0
            for (x, y) in zip(a, b) { difference |= x ^ y }
            return difference == 0
        }
    }
}
