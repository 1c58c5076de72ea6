import Foundation
import IMAdminAPI
import Logging

/// The configuration the server runs with, and its log level at runtime (`IMServer.setLogLevel`).
enum ConfigHandlers {
    /// `GET /config`: the configuration, secrets redacted (`IMServerConfiguration.redactedJSON`), plus the
    /// current `log_level`.
    static func config(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMJSON {
        var object = admin.core.configuration.redactedJSON
        object["log_level"] = admin.core.logLevel.level.rawValue
        return try IMJSON(parsing: JSONSerialization.data(withJSONObject: object))
    }

    /// `GET /log-level`.
    static func logLevel(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMAdmin.LogLevel {
        IMAdmin.LogLevel(level: admin.core.logLevel.level.rawValue)
    }

    /// `PUT /log-level`: every logger of the server follows at once; not kept across a restart.
    static func setLogLevel(_ admin: AdminContext, _ request: IMAdmin.LogLevelChange) async throws -> IMAdmin.LogLevel {
        guard let level = Logger.Level(rawValue: request.level.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw AdminError.badField("level", "must be one of \(names), got \"\(request.level)\"")
        }
        // One notice line, written while notices still show: after lowering the level, before raising it.
        let core = admin.core
        let previous = core.logLevel.level
        if level > .notice { core.logger.notice("log level changing from \(previous) to \(level)") }
        core.logLevel.set(level)
        if level <= .notice { core.logger.notice("log level changed from \(previous) to \(level)") }
        return IMAdmin.LogLevel(level: level.rawValue, previous: previous.rawValue)
    }
}
