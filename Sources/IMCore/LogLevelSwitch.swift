import Logging
import Synchronization

/// The server's log level, changeable while it runs (`PUT /log-level`, `IMServer.setLogLevel`).
///
/// swift-log's loggers carry their level by value, so a level cannot be changed in loggers already
/// handed out. The server therefore wraps the handler of `IMServerConfiguration.logger` once, at start,
/// in a `LevelSwitchedLogHandler` that reads its level from this switch; every logger the server derives
/// from it (store, directory, sessions, admin API) follows the switch. The embedder's handler (imd's
/// line handler, or any other) still formats and writes every line: nothing here reads the environment.
package final class LogLevelSwitch: Sendable {
    private let index: Atomic<Int>

    package init(_ level: Logger.Level) {
        index = Atomic(Self.levels.firstIndex(of: level) ?? 0)
    }

    private static let levels = Logger.Level.allCases

    /// The level now.
    package var level: Logger.Level {
        Self.levels[index.load(ordering: .relaxed)]
    }

    /// Sets the level; returns the previous one.
    @discardableResult
    package func set(_ level: Logger.Level) -> Logger.Level {
        let previous = index.exchange(Self.levels.firstIndex(of: level)!, ordering: .relaxed)
        return Self.levels[previous]
    }

    /// `logger` with its handler wrapped so that its level follows this switch.
    package func wrap(_ logger: Logger) -> Logger {
        var inner = logger.handler
        // The switch filters; a handler that filters again (a multiplexer) must not hide what it lets by.
        inner.logLevel = .trace
        return Logger(label: logger.label) { _ in LevelSwitchedLogHandler(inner: inner, levelSwitch: self) }
    }
}

/// A handler whose level is the server-wide `LogLevelSwitch` (swift-log allows such a global override);
/// everything else is the wrapped handler's. Setting `logLevel` on it sets the switch: every logger of
/// the server shares it.
struct LevelSwitchedLogHandler: LogHandler {
    var inner: any LogHandler
    let levelSwitch: LogLevelSwitch

    var logLevel: Logger.Level {
        get { levelSwitch.level }
        set { levelSwitch.set(newValue) }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        inner.log(event: event)
    }
}
