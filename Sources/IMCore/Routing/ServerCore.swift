import Foundation
import Logging
import NIOCore

/// What every session and admin handler shares: the store, the directory, who is online, the counters.
///
/// Created by `IMServer.run()` once the store and directory are open; lives until shutdown.
package final class ServerCore: Sendable {
    package let configuration: IMServerConfiguration
    package let logger: Logger
    package let store: LogStore
    package let directory: any Directory
    package let registry = SessionRegistry()
    package let rooms = RoomRegistry()
    /// The sensitive-word filter (TEXT messages), reloadable.
    package let words: WordList
    /// Each event loop's idle-connection sweeper.
    let idleSweepers: IdleSweepers
    package let counters = ServerCounters()
    package let authenticator: Authenticator
    /// Wall-clock start, for `/summary`'s uptime.
    package let startedAt: Date
    package let version: String
    /// The client connections' event loops.
    package let eventLoopGroup: any EventLoopGroup
    /// The offline push hook's sender; nil when no webhook is configured (then no jobs are made).
    package let push: PushDispatcher?
    /// The server's log level (`GET`/`PUT /log-level`); `logger` follows it.
    let logLevel: LogLevelSwitch

    package init(
        configuration: IMServerConfiguration,
        store: LogStore,
        directory: any Directory,
        version: String,
        eventLoopGroup: any EventLoopGroup,
        words: WordList = WordList(),
        push: PushDispatcher? = nil,
        logLevel: LogLevelSwitch? = nil,
        startedAt: Date = Date()
    ) {
        self.words = words
        self.eventLoopGroup = eventLoopGroup
        self.push = push
        self.logLevel = logLevel ?? LogLevelSwitch(configuration.logger.logLevel)
        self.configuration = configuration
        self.logger = configuration.logger
        self.store = store
        self.directory = directory
        self.authenticator = Authenticator(directory: directory, jwtSecret: configuration.jwtSecret)
        self.idleSweepers = IdleSweepers(timeout: configuration.session.idleTimeout)
        self.version = version
        self.startedAt = startedAt
    }

    /// Unix seconds now: message timestamps, token expiry.
    package func now() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }
}
