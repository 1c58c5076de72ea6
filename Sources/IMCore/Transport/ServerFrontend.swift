import Logging
import NIOCore
import ServiceLifecycle

/// What faces the network: the client listeners and the admin API. A `Service`, the last the server
/// starts and the first it shuts down: on graceful shutdown it stops accepting (the sessions already
/// open are closed afterwards by the route bus).
final class ServerFrontend: Service {
    let server: ServerContext
    let tls: TLSCredentials?
    let group: any EventLoopGroup
    let readiness: ReadinessSignal<IMServerAddresses>

    init(server: ServerContext, tls: TLSCredentials?, group: any EventLoopGroup, readiness: ReadinessSignal<IMServerAddresses>) {
        self.server = server
        self.tls = tls
        self.group = group
        self.readiness = readiness
    }

    /// Binds every configured listener and the admin API, reports the addresses, and serves until
    /// graceful shutdown. Throws `IMServerError` naming the configuration key of an address that cannot
    /// be bound.
    func run() async throws {
        let listeners = try await bindListeners()
        let configuration = server.configuration
        var addresses = IMServerAddresses(client: configuration.clientAddress, admin: nil)
        for (transport, channel) in listeners {
            let configured = configuration.listenAddress(transport)!
            addresses[transport] = .init(host: configured.host, port: channel.localAddress?.port ?? configured.port)
        }
        if let replication = server.replication?.server {
            addresses.replication = try await replication.waitUntilBound()
        }
        let bound = addresses
        server.nodes.advertise(configuration.advertised(bound: bound))
        server.logger.info(
            "serving clients",
            metadata: [
                "address": "\(bound.client)", "node": "\(configuration.nodeID)", "data": "\(configuration.dataDirectory)",
                "transports": "\(listeners.map { "\($0.0)=\(bound[$0.0]!)" }.joined(separator: " "))",
                "push_webhook": "\(server.messages.push?.redactedWebhook ?? "off")",
            ]
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            if let adminAddress = configuration.admin.address {
                tasks.addTask { try await self.serveAdmin(at: adminAddress, clients: bound) }
            } else {
                readiness.set(.success(bound))
            }
            tasks.addTask {
                try? await gracefulShutdown()
                self.server.logger.info("shutting down: closing \(listeners.count) listeners")
                for (_, listener) in listeners { try? await listener.close() }
            }
            try await tasks.waitForAll()
        }
    }

    private func bindListeners() async throws -> [(IMTransport, any Channel)] {
        var listeners: [(IMTransport, any Channel)] = []
        for (transport, address) in server.configuration.clientListeners {
            do {
                let channel = try await ClientListener.bind(transport, at: address, server: server, tls: tls, group: group)
                listeners.append((transport, channel))
            } catch {
                for (_, listener) in listeners { try? await listener.close() }
                throw IMServerError("cannot listen on \(address) (\(transport.listenKey)): \(error)")
            }
        }
        return listeners
    }

    /// The admin API until graceful shutdown; the server counts as listening once it is bound.
    private func serveAdmin(at address: IMServerConfiguration.Endpoint, clients: IMServerAddresses) async throws {
        let readiness = self.readiness
        let nodes = server.nodes
        let application = AdminAPI.application(core: server, address: address) { channel in
            var ready = clients
            let bound = IMServerConfiguration.Endpoint(host: address.host, port: channel.localAddress?.port ?? address.port)
            ready.admin = bound
            // Other nodes' imtop reach it there: a wildcard host becomes the host name.
            let host = bound.isUnspecified ? IMServerConfiguration.Endpoint(host: System.hostName, port: bound.port) : bound
            nodes.advertiseAdmin("http://\(host)")
            readiness.set(.success(ready))
        }
        do {
            try await application.run()
        } catch {
            throw IMServerError("cannot serve the admin API on \(address) (admin_listen): \(error)")
        }
    }
}
