import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The whole server: client listener, sessions, routing, message store, directory and admin API.
///
/// Embeddable in any Swift process as a `Service`: `run()` opens the store and directory in
/// `configuration.dataDirectory`, binds the listeners and serves until graceful shutdown or cancellation;
/// either way it then stops accepting, closes sessions, drains and snapshots the store and flushes the
/// directory, so a restart replays nothing.
public final class IMServer: Service, Sendable {
    /// IMCore's version.
    public static let version = "0.1.0"

    public let configuration: IMServerConfiguration
    private let readiness = ReadinessSignal()

    /// Checks the configuration; nothing is opened or bound until `run()`.
    public init(configuration: IMServerConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
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
        let logger = configuration.logger
        let opened = try openData()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        let core = ServerCore(
            configuration: configuration,
            store: opened.store,
            directory: opened.directory,
            version: configuration.version,
            eventLoopGroup: group
        )
        defer {
            try? opened.directory.close()
        }
        let listener: any Channel
        do {
            listener = try await ClientListener.bind(core: core, group: group)
        } catch {
            try? opened.store.close()
            try? await group.shutdownGracefully()
            throw IMServerError("cannot listen on \(configuration.clientAddress) (listen): \(error)")
        }
        let clientAddress = IMServerConfiguration.Endpoint(
            host: configuration.clientAddress.host,
            port: listener.localAddress?.port ?? configuration.clientAddress.port
        )
        logger.info(
            "serving clients",
            metadata: [
                "address": "\(clientAddress)", "node": "\(configuration.nodeID)",
                "data": "\(configuration.dataDirectory)",
            ]
        )

        await withTaskGroup(of: Void.self) { tasks in
            if let adminAddress = configuration.admin.address {
                let readiness = self.readiness
                let application = AdminAPI.application(core: core, address: adminAddress) { channel in
                    let bound = IMServerConfiguration.Endpoint(
                        host: adminAddress.host,
                        port: channel.localAddress?.port ?? adminAddress.port
                    )
                    readiness.set(.success(IMServerAddresses(client: clientAddress, admin: bound)))
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
                readiness.set(.success(IMServerAddresses(client: clientAddress, admin: nil)))
            }
            let stopping = Atomic(false)
            tasks.addTask {
                // Batched directory writes (sync keys, device ids) go out every 100 ms.
                while !Task.isCancelled && !stopping.load(ordering: .relaxed) {
                    try? await Task.sleep(for: .milliseconds(100))
                    do { try core.directory.flush() } catch { logger.error("directory flush failed: \(error)") }
                }
            }
            // Serve until graceful shutdown (or cancellation of this task).
            try? await gracefulShutdown()
            logger.info("shutting down: closing the listener and \(core.counters.connections.value) connections")
            try? await listener.close()
            // The admin API stops by itself on graceful shutdown (and is cancelled with us otherwise).
            stopping.store(true, ordering: .relaxed)
        }
        await closeSessions(core)
        core.idleSweepers.cancelAll()
        do {
            try opened.store.close()
        } catch {
            logger.error("closing the message store failed: \(error)")
        }
        try? await group.shutdownGracefully()
        do {
            try opened.directory.flush()
        } catch {
            logger.error("flushing the directory failed: \(error)")
        }
        logger.info("stopped")
    }

    private func openData() throws -> (store: LogStore, directory: any Directory) {
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
        let store = try LogStore(configuration: storeConfiguration)
        do {
            let directory = try SQLiteDirectory(
                path: root.appendingPathComponent("directory.sqlite").path,
                logger: configuration.logger
            )
            return (store, directory)
        } catch {
            try? store.close()
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
    /// The admin HTTP API, if enabled.
    public var admin: IMServerConfiguration.Endpoint?
}

/// Why a server could not start; the message names the configuration field involved.
public struct IMServerError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
