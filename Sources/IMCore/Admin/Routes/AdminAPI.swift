import Hummingbird
import IMAdminAPI
import Logging
import NIOCore

/// The admin HTTP API (ARCHITECTURE.md §6): GoBelieve's endpoints with their paths, parameters and JSON shapes,
/// plus ours (tokens, users, groups, store, config, log level, `/metrics`, `/stack`). Every endpoint is
/// declared once in `IMAdmin` (the shared IMAdminAPI target) and served by one handler (`AdminRoutes`).
enum AdminAPI {
    static func application(
        core: ServerContext,
        address: IMServerConfiguration.Endpoint,
        onRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(
            middleware: AuthMiddleware(
                token: core.configuration.admin.token,
                monitoringPublic: core.configuration.admin.monitoringPublic,
                lookupPublic: core.configuration.admin.lookupPublic
            )
        )
        var routes = HummingbirdRoutes(router: router, admin: AdminContext(core: core))
        AdminRoutes.register(&routes)
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

    /// Every endpoint but those declared without a token (with `monitoring_public`, the default) and
    /// `/lookup` with `lookup_public` needs `Authorization: Bearer <admin token>` when a token is set.
    struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
        let token: String?
        private let openPaths: Set<String>

        init(token: String?, monitoringPublic: Bool = true, lookupPublic: Bool = false) {
            self.token = token
            openPaths = (monitoringPublic ? IMAdmin.openPaths : []).union(lookupPublic ? [IMAdmin.Lookup.path] : [])
        }

        func handle(
            _ request: Request,
            context: Context,
            next: (Request, Context) async throws -> Response
        ) async throws -> Response {
            guard let token, !openPaths.contains(request.uri.path) else {
                return try await next(request, context)
            }
            guard let header = request.headers[.authorization] else {
                throw AdminError(.unauthorized, "Authorization: missing (send \"Authorization: Bearer <admin token>\")")
            }
            guard header.hasPrefix("Bearer "), secretsMatch(Array(header.utf8.dropFirst(7)), Array(token.utf8))
            else { throw AdminError(.unauthorized, "Authorization: wrong admin token") }
            return try await next(request, context)
        }
    }
}
