import Hummingbird
import Logging

extension AdminAPI {
    private struct LevelRequest: Decodable {
        var level: String
    }

    /// The server's log level at runtime (`IMServer.setLogLevel`):
    /// - `GET /log-level` → `{"data":{"level":"info"}}`;
    /// - `PUT /log-level {"level":"debug"}` → `{"data":{"level":"debug","previous":"info"}}`. Levels:
    ///   trace, debug, info, notice, warning, error, critical. Not persisted: a restart goes back to the
    ///   configured level.
    static func addLoggingRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        router.get("/log-level") { _, _ in
            AdminJSON.data(["level": core.logLevel.level.rawValue])
        }
        router.put("/log-level") { request, _ in
            let body = try await AdminJSON.decode(LevelRequest.self, from: request)
            guard let level = Logger.Level(rawValue: body.level.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw AdminError.badField("level", "must be one of \(names), got \"\(body.level)\"")
            }
            // One notice line, written while notices still show: after lowering the level, before raising it.
            let previous = core.logLevel.level
            if level > .notice { core.logger.notice("log level changing from \(previous) to \(level)") }
            core.logLevel.set(level)
            if level <= .notice { core.logger.notice("log level changed from \(previous) to \(level)") }
            return AdminJSON.data(["level": level.rawValue, "previous": previous.rawValue])
        }
    }
}
