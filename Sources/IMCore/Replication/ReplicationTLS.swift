import NIOCore
import NIOSSL

/// TLS on the replication stream (`replication_tls`): a primary serves it with the server's certificate
/// (`cert_file`, `key_file`, re-read on SIGHUP like the client listeners'); a replica, and a promoted replica
/// telling its former primary, checks the other side's certificate against `replication_ca_file` (else the
/// system's trust roots) and its host name when `replica_of` names a host (an IP address is not checked:
/// a certificate for it is trusted by its chain alone).
struct ReplicationTLS: Sendable {
    /// What a primary serves; nil on a server that only follows.
    let credentials: TLSCredentials?
    let client: NIOSSLContext

    /// Nil without `replication_tls`. Throws naming `replication_ca_file` when it cannot be read.
    init?(configuration: IMServerConfiguration.Replication, credentials: TLSCredentials?) throws(IMConfigurationError) {
        guard configuration.tls else { return nil }
        self.credentials = credentials
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateVerification = .fullVerification
        if let file = configuration.caFile {
            do {
                client.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
            } catch {
                throw IMConfigurationError(field: "replication_ca_file", "'\(file)' is not a PEM certificate file: \(error)")
            }
        }
        do {
            self.client = try NIOSSLContext(configuration: client)
        } catch {
            throw IMConfigurationError(field: "replication_ca_file", "cannot make a TLS client: \(error)")
        }
    }

    /// The handler an accepted replica connection starts with.
    func serverHandler() -> NIOSSLServerHandler? {
        credentials.map { NIOSSLServerHandler(context: $0.context) }
    }

    /// The handler a connection to `host` starts with.
    func clientHandler(host: String) throws -> NIOSSLClientHandler {
        let isAddress = (try? SocketAddress(ipAddress: host.trimmingCharacters(in: ["[", "]"]), port: 0)) != nil
        return try NIOSSLClientHandler(context: client, serverHostname: isAddress ? nil : host)
    }
}
