import Logging
import NIOCore
import ServiceLifecycle

/// The whole server: client listener, sessions, routing, message store, directory and admin API.
///
/// Embeddable in any Swift process as a `Service`: `run()` opens the store and directory in
/// `configuration.dataDirectory`, binds the listeners and serves until graceful shutdown (stop accepting,
/// close sessions, flush and snapshot the store, flush the directory) or cancellation.
public final class IMServer: Service, Sendable {
    public let configuration: IMServerConfiguration

    /// Checks the configuration; nothing is opened or bound until `run()`.
    public init(configuration: IMServerConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Serves until graceful shutdown or cancellation; throws if the data directory cannot be opened or
    /// an address cannot be bound.
    public func run() async throws {
        fatalError("interface skeleton")
    }

    /// Waits until the listeners are bound and returns their addresses (useful with port 0).
    /// Throws if `run()` failed to start.
    public func waitUntilListening() async throws -> IMServerAddresses {
        fatalError("interface skeleton")
    }
}

/// Where a running `IMServer` listens.
public struct IMServerAddresses: Sendable {
    /// The client TCP listener.
    public var client: IMServerConfiguration.Endpoint
    /// The admin HTTP API, if enabled.
    public var admin: IMServerConfiguration.Endpoint?
}
