import Foundation
import IMBenchKit
import IMCore
import NIOCore
import NIOSSL
import Testing

/// A throwaway CA and server certificate files (for 127.0.0.1 and localhost) in a temporary directory,
/// and client transports that trust that CA only.
struct TestCertificates {
    let authority: CertificateAuthority
    let directory: TemporaryDirectory
    let files: IMServerConfiguration.TLS

    /// Makes the CA and a server certificate whose common name is `name`.
    init(name: String = "first") throws {
        authority = try CertificateAuthority()
        directory = TemporaryDirectory()
        let written = try authority.writeServerFiles(hosts: ["127.0.0.1", "localhost"], name: name, to: directory.path)
        files = .init(certificateFile: written.certificateFile, keyFile: written.keyFile)
    }

    /// Writes a new server certificate named `name` over the files (as a renewal would).
    func renew(name: String) throws {
        _ = try authority.writeServerFiles(hosts: ["127.0.0.1", "localhost"], name: name, to: directory.path)
    }

    var roots: [NIOSSLCertificate] {
        get throws { try NIOSSLCertificate.fromPEMBytes(Array(authority.certificatePEM.utf8)) }
    }

    /// A TLS client transport trusting only this CA.
    func tls() throws -> IMClientTransport { .tls(IMClientTransport.trusting(try roots)) }

    /// A WSS client transport trusting only this CA.
    func wss() throws -> IMClientTransport { .secureWebSocket(IMClientTransport.trusting(try roots)) }

    func remove() { directory.remove() }
}

extension NIOSSLCertificate {
    /// The subject's common name.
    var commonName: String? {
        subjectName.first { $0.type == .commonName }?.value
    }
}

extension TestServer {
    /// A client on `transport` (its listener must be enabled), logged in as `uid`.
    func client(
        uid: Int64,
        over transport: IMClientTransport,
        device: String = "device-1",
        platform: IMAuthToken.Platform = .android
    ) async throws -> IMClient {
        let client = try await connect(over: transport)
        let ok = try await client.authenticate(token: try await token(uid: uid), deviceID: device, platform: platform)
        try #require(ok, "login of uid \(uid) over \(transport.kind) failed")
        return client
    }

    /// A connected client on `transport` that has not logged in.
    func connect(over transport: IMClientTransport) async throws -> IMClient {
        let address = try #require(addresses[transport.kind], "the server has no \(transport.kind) listener")
        return try await IMClient.connect(host: "127.0.0.1", port: address.port, transport: transport)
    }

    /// `/summary` as JSON.
    func summary() async throws -> [String: Any] {
        let (status, json) = try await admin("GET", "/summary")
        try #require(status == 200)
        return json
    }
}

