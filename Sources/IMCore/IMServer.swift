import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The whole server: client listeners (TCP, TLS, WebSocket, WSS), sessions, routing, message store,
/// directory, offline push hook and admin API.
///
/// Embeddable in any Swift process as a `Service`: `run()` opens the store and directory in
/// `configuration.dataDirectory`, binds the listeners and serves until graceful shutdown or cancellation;
/// either way it then stops accepting, closes sessions, drains and snapshots the store, writes the
/// pending push jobs and flushes the directory, so a restart replays nothing.
public final class IMServer: Service, Sendable {
    /// IMCore's version.
    public static let version = "0.1.0"

    public let configuration: IMServerConfiguration
    private let readiness = ReadinessSignal()
    private let tls: TLSCredentials?
    private let levelSwitch: LogLevelSwitch

    /// Checks the configuration and reads the TLS certificate and key (`configuration.tls`); nothing is
    /// opened or bound until `run()`. Throws `IMConfigurationError` naming the field (`cert_file` and
    /// `key_file` for a file that cannot be read or parsed, or a key that does not match).
    public init(configuration: IMServerConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        self.tls = try configuration.tls.map { files throws(IMConfigurationError) in try TLSCredentials(files: files) }
        self.levelSwitch = LogLevelSwitch(configuration.logger.logLevel)
    }

    /// Reads `cert_file` and `key_file` again (after a certificate renewal): TLS and WSS connections
    /// accepted from now on get the new certificate; established ones keep theirs and are not dropped.
    /// May be called at any time, running or not (`imd` calls it on SIGHUP).
    ///
    /// Throws `IMConfigurationError` naming the file if it cannot be read or parsed (the certificate in
    /// use stays), or if no certificate is configured.
    public func reloadTLS() throws(IMConfigurationError) {
        guard let tls else { throw IMConfigurationError(field: "cert_file", "no TLS certificate is configured") }
        try tls.reload()
        configuration.logger.info(
            "reloaded the TLS certificate",
            metadata: ["cert_file": "\(tls.files.certificateFile)", "key_file": "\(tls.files.keyFile)"]
        )
    }

    /// The level the server logs at now: `configuration.logger.logLevel` until changed by `setLogLevel(_:)`
    /// or the admin API's `PUT /log-level`.
    public var logLevel: Logger.Level { levelSwitch.level }

    /// Changes the level of every logger the server uses (store, directory, sessions, admin API), at once
    /// and while it runs. The lines still go to `configuration.logger`'s handler. Returns the previous level.
    @discardableResult
    public func setLogLevel(_ level: Logger.Level) -> Logger.Level {
        levelSwitch.set(level)
    }

    /// Waits until the listeners are bound and returns their addresses (useful with port 0).
    /// Throws if `run()` failed to start.
    public func waitUntilListening() async throws -> IMServerAddresses {
        try await readiness.wait()
    }

    /// Serves until graceful shutdown or cancellation; throws if the data directory cannot be opened or
    /// an address cannot be bound.
    public func run() async throws {
        do {
            try await serve()
        } catch {
            readiness.set(.failure(error))
            throw error
        }
    }

    private func serve() async throws {
        // Every logger of the server derives from this one, whose level follows `levelSwitch`.
        var wrapped = self.configuration
        wrapped.logger = levelSwitch.wrap(wrapped.logger)
        let configuration = wrapped
        let logger = configuration.logger
        // Opening reads, fsyncs and recovers files: on the blocking-I/O pool, never on a thread of the
        // concurrency pool (two on a 2-core machine), which everything else async in the process shares.
        let opened = try await NIOThreadPool.singleton.runIfActive { try self.openData(configuration) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        let core = ServerCore(
            configuration: configuration,
            store: opened.store,
            directory: opened.directory,
            version: configuration.version,
            eventLoopGroup: group,
            words: opened.words,
            push: opened.push,
            logLevel: levelSwitch
        )
        var listeners: [(IMTransport, any Channel)] = []
        for (transport, address) in configuration.clientListeners {
            do {
                let channel = try await ClientListener.bind(transport, at: address, core: core, tls: tls, group: group)
                listeners.append((transport, channel))
            } catch {
                for (_, listener) in listeners { try? await listener.close() }
                _ = try? await NIOThreadPool.singleton.runIfActive {
                    try? opened.store.close()
                    try? opened.directory.close()
                }
                // Finished before it runs, the push sender only closes its store.
                opened.push?.finish()
                await opened.push?.run()
                try? await group.shutdownGracefully()
                throw IMServerError("cannot listen on \(address) (\(transport.listenKey)): \(error)")
            }
        }
        var bound = IMServerAddresses(client: configuration.clientAddress, admin: nil)
        for (transport, channel) in listeners {
            let configured = configuration.listenAddress(transport)!
            bound[transport] = IMServerConfiguration.Endpoint(
                host: configured.host,
                port: channel.localAddress?.port ?? configured.port
            )
        }
        let addresses = bound
        logger.info(
            "serving clients",
            metadata: [
                "address": "\(addresses.client)", "node": "\(configuration.nodeID)",
                "data": "\(configuration.dataDirectory)",
                "transports": "\(listeners.map { "\($0.0)=\(addresses[$0.0]!)" }.joined(separator: " "))",
                "push_webhook": "\(opened.push?.redactedWebhook ?? "off")",
            ]
        )
        // The push sender runs beside everything else and is finished last, when no job can come any more.
        async let pushing: Void = Self.runPush(opened.push)

        await withTaskGroup(of: Void.self) { tasks in
            if let adminAddress = configuration.admin.address {
                let readiness = self.readiness
                let application = AdminAPI.application(core: core, address: adminAddress) { channel in
                    var ready = addresses
                    ready.admin = IMServerConfiguration.Endpoint(
                        host: adminAddress.host,
                        port: channel.localAddress?.port ?? adminAddress.port
                    )
                    readiness.set(.success(ready))
                }
                tasks.addTask {
                    do {
                        try await application.run()
                    } catch {
                        logger.error("the admin API stopped: \(error)")
                        readiness.set(
                            .failure(
                                IMServerError("cannot serve the admin API on \(adminAddress) (admin_listen): \(error)")
                            )
                        )
                    }
                }
            } else {
                readiness.set(.success(addresses))
            }
            let stopping = Atomic(false)
            tasks.addTask {
                // Batched directory writes (sync keys, device ids) go out every 100 ms.
                while !Task.isCancelled && !stopping.load(ordering: .relaxed) {
                    try? await Task.sleep(for: .milliseconds(100))
                    do {
                        try await NIOThreadPool.singleton.runIfActive { try core.directory.flush() }
                    } catch {
                        logger.error("directory flush failed: \(error)")
                    }
                }
            }
            // Serve until graceful shutdown (or cancellation of this task).
            try? await gracefulShutdown()
            logger.info(
                "shutting down: closing \(listeners.count) listeners and \(core.counters.connections.value) connections"
            )
            for (_, listener) in listeners { try? await listener.close() }
            // The admin API stops by itself on graceful shutdown (and is cancelled with us otherwise).
            stopping.store(true, ordering: .relaxed)
        }
        await closeSessions(core)
        core.idleSweepers.cancelAll()
        do {
            // Draining, fsyncing and writing the snapshot block: on the blocking-I/O pool.
            try await NIOThreadPool.singleton.runIfActive { try opened.store.close() }
        } catch {
            logger.error("closing the message store failed: \(error)")
        }
        try? await group.shutdownGracefully()
        // Every stored message has been handed to the hook by now: write what is left and stop.
        opened.push?.finish()
        await pushing
        do {
            try await NIOThreadPool.singleton.runIfActive { try opened.directory.close() }
        } catch {
            logger.error("closing the directory failed: \(error)")
        }
        logger.info("stopped")
    }

    private static func runPush(_ push: PushDispatcher?) async {
        await push?.run()
    }

    private func openData(
        _ configuration: IMServerConfiguration
    ) throws -> (store: LogStore, directory: any Directory, words: WordList, push: PushDispatcher?) {
        let root = URL(fileURLWithPath: configuration.dataDirectory)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw IMServerError("cannot create the data directory \(root.path) (data_dir): \(error)")
        }
        var storeConfiguration = LogStoreConfiguration(directory: root.appendingPathComponent("messages").path)
        storeConfiguration.fsync =
            switch configuration.storage.fsync {
            case .batch: .batch
            case .interval: .interval
            case .none: .none
            }
        storeConfiguration.fsyncInterval = configuration.storage.fsyncInterval
        storeConfiguration.segmentSize = configuration.storage.segmentSize
        storeConfiguration.snapshotEveryBytes = configuration.storage.snapshotEveryBytes
        storeConfiguration.snapshotInterval = configuration.storage.snapshotInterval
        storeConfiguration.logger = configuration.logger
        let words = try WordList(path: configuration.wordFile)
        let store = try LogStore(configuration: storeConfiguration)
        let directory: SQLiteDirectory
        do {
            directory = try SQLiteDirectory(
                path: root.appendingPathComponent("directory.sqlite").path,
                logger: configuration.logger
            )
        } catch {
            try? store.close()
            throw error
        }
        guard configuration.push.webhook != nil else {
            let leftover = root.appendingPathComponent("push.sqlite").path
            if FileManager.default.fileExists(atPath: leftover) {
                configuration.logger.notice(
                    "\(leftover) is kept but not sent: no push_webhook is configured (delete it to discard its jobs)"
                )
            }
            return (store, directory, words, nil)
        }
        do {
            let push = try PushDispatcher(
                configuration: configuration.push,
                dataDirectory: root.path,
                version: configuration.version,
                logger: configuration.logger
            )
            return (store, directory, words, push)
        } catch {
            try? store.close()
            try? directory.close()
            throw error
        }
    }

    /// Closes every logged-in session and waits (briefly) for the rest of the connections to go.
    private func closeSessions(_ core: ServerCore) async {
        for (_, entry) in core.registry.allSessions() {
            let handler = entry.handler
            handler.eventLoop.execute { handler.value.close(reason: "server shutting down") }
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while core.counters.connections.value > 0 && core.registry.counts().clients > 0
            && ContinuousClock.now < deadline
        {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Where a running `IMServer` listens.
public struct IMServerAddresses: Sendable {
    /// The client TCP listener.
    public var client: IMServerConfiguration.Endpoint
    /// The client TLS listener, if enabled.
    public var tls: IMServerConfiguration.Endpoint?
    /// The WebSocket listener, if enabled.
    public var webSocket: IMServerConfiguration.Endpoint?
    /// The WebSocket-over-TLS listener, if enabled.
    public var secureWebSocket: IMServerConfiguration.Endpoint?
    /// The admin HTTP API, if enabled.
    public var admin: IMServerConfiguration.Endpoint?

    /// The listener of `transport`, if enabled.
    public subscript(transport: IMTransport) -> IMServerConfiguration.Endpoint? {
        get {
            switch transport {
            case .tcp: client
            case .tls: tls
            case .ws: webSocket
            case .wss: secureWebSocket
            }
        }
        set {
            switch transport {
            case .tcp: if let newValue { client = newValue }
            case .tls: tls = newValue
            case .ws: webSocket = newValue
            case .wss: secureWebSocket = newValue
            }
        }
    }
}

/// Why a server could not start; the message names the configuration field involved.
public struct IMServerError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
