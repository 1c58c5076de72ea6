import Foundation
import IMCore
import Logging
import ServiceLifecycle

/// An `IMServer` in this process: a temporary data directory, client and admin listeners on
/// 127.0.0.1 port 0, a random admin token, its own event loops. Removed again by `stop()`.
///
/// For tls and wss it also listens on that transport with a certificate for 127.0.0.1 and localhost
/// issued by a throwaway CA (`certificateAuthority`, which the generator trusts).
final class EmbeddedServer: Sendable {
    let addresses: IMServerAddresses
    let adminToken: String
    let dataDirectory: String
    /// The CA of the server's certificate, for tls and wss.
    let certificateAuthority: CertificateAuthority?
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    var adminURL: String { "http://127.0.0.1:\(addresses.admin!.port)" }

    private init(
        addresses: IMServerAddresses,
        adminToken: String,
        dataDirectory: String,
        certificateAuthority: CertificateAuthority?,
        group: ServiceGroup,
        running: Task<Void, any Error>
    ) {
        self.certificateAuthority = certificateAuthority
        self.addresses = addresses
        self.adminToken = adminToken
        self.dataDirectory = dataDirectory
        self.group = group
        self.running = running
    }

    static func start(
        fsync: IMServerConfiguration.FsyncPolicy,
        threads: Int,
        postgres: String? = nil,
        transport: IMTransport = .tcp
    ) async throws -> EmbeddedServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("imbench-\(UUID().uuidString)").path
        var configuration = IMServerConfiguration(dataDirectory: directory)
        configuration.clientAddress = .init(host: "127.0.0.1", port: 0)
        var authority: CertificateAuthority?
        if transport.isSecure {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let ca = try CertificateAuthority(name: "imbench CA")
                let files = try ca.writeServerFiles(hosts: ["127.0.0.1", "localhost"], to: directory)
                configuration.tls = .init(certificateFile: files.certificateFile, keyFile: files.keyFile)
                authority = ca
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw BenchError(.connect, "cannot make a certificate for the embedded server: \(error)")
            }
        }
        switch transport {
        case .tcp: break
        case .tls: configuration.tlsAddress = .init(host: "127.0.0.1", port: 0)
        case .ws: configuration.webSocketAddress = .init(host: "127.0.0.1", port: 0)
        case .wss: configuration.secureWebSocketAddress = .init(host: "127.0.0.1", port: 0)
        }
        configuration.admin.address = .init(host: "127.0.0.1", port: 0)
        let adminToken = UUID().uuidString
        configuration.admin.token = adminToken
        configuration.storage.fsync = fsync
        configuration.postgres.url = postgres
        configuration.eventLoopThreads = threads
        configuration.logger.logLevel = .warning
        let server: IMServer
        do {
            server = try IMServer(configuration: configuration)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw BenchError(.connect, "the embedded server did not start: \(error)")
        }
        let group = ServiceGroup(services: [server], logger: configuration.logger)
        let running = Task { try await group.run() }
        do {
            let addresses = try await server.waitUntilListening()
            return EmbeddedServer(
                addresses: addresses,
                adminToken: adminToken,
                dataDirectory: directory,
                certificateAuthority: authority,
                group: group,
                running: running
            )
        } catch {
            running.cancel()
            _ = await running.result
            try? FileManager.default.removeItem(atPath: directory)
            throw BenchError(.connect, "the embedded server did not start: \(error)")
        }
    }

    /// Shuts the server down gracefully and removes its data.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await running.result
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}
