import Foundation
import IMCore
import NIOCore
import NIOSSL
import Testing

@Suite("TLS transport")
struct TLSTransportTests {
    /// A server with TCP and TLS listeners and the certificate in `certificates`.
    func withTLSServer<T>(
        _ certificates: TestCertificates,
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        try await withTestServer(configure: { configuration in
            configuration.tls = certificates.files
            configuration.tlsAddress = .init(host: "127.0.0.1", port: 0)
        }) { server in try await body(server) }
    }

    @Test func messagingOverTLSIsTheSameProtocol() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTLSServer(certificates) { server in
            let receiver = try await server.client(uid: 2, over: try certificates.tls())
            let sender = try await server.client(uid: 1, over: try certificates.tls())
            let tcpReceiver = try await server.client(uid: 2, device: "device-2")
            let ack = try await sender.send(peerMessage(1, 2, "over tls"))
            #expect(ack.status == .success)
            #expect(ack.metadata != nil, "the ACK of a stored message comes with its METADATA")
            for client in [receiver, tcpReceiver] {
                let pushed = try await client.next { $0.frame.command == .im }
                #expect(pushed.message.map { String(buffer: $0.content) } == "over tls")
                #expect(pushed.frame.flags.contains(.push))
                #expect(pushed.metadata != nil)
            }
            let synced = try await receiver.syncAll(from: 0)
            #expect(synced.messages.count == 1)
            #expect(try await receiver.tlsPeerCertificate?.commonName == "first")

            let summary = try await server.summary()
            let transports = try #require(summary["transports"] as? [String: [String: Int]])
            #expect(transports["tls"]?["connections"] == 2)
            #expect(transports["tcp"]?["connections"] == 1)
            #expect(transports["ws"] == nil, "only configured listeners are listed")
            #expect(summary["connection_count"] as? Int == 3)
            let (_, metrics) = try await server.adminText("GET", "/metrics")
            #expect(metrics.contains("im_transport_connections{transport=\"tls\"} 2"))
            #expect(metrics.contains("im_transport_accepted_connections_total{transport=\"tcp\"} 1"))
        }
    }

    @Test func malformedInputOverTLSClosesOnlyThatConnection() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTLSServer(certificates) { server in
            let bad = try await server.client(uid: 1, over: try certificates.tls())
            let good = try await server.client(uid: 2, over: try certificates.tls())
            // A body length past the 32 KiB limit.
            try await bad.writeRaw(ByteBuffer(bytes: [0x00, 0x00, 0x80, 0x00, 0, 0, 0, 1, 4, 2, 0, 0]))
            try await bad.waitUntilClosed()
            try await good.ping()
            #expect(try await server.summary()["protocol_error_count"] as? Int == 1)
        }
    }

    @Test func aClientThatDoesNotTrustTheCertificateIsRefusedAndCounted() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withTLSServer(certificates) { server in
            // The system's roots do not include the test CA.
            await #expect(throws: (any Error).self) {
                let client = try await server.connect(over: .tls())
                try await client.ping()
            }
            try await eventually("the failed handshake is counted") {
                try await server.summary()["tls_handshake_failure_count"] as? Int ?? 0 >= 1
            }
            // Plain TCP bytes on the TLS port are not a handshake either.
            let plain = try await IMClient.connect(host: "127.0.0.1", port: server.addresses.tls!.port)
            await #expect(throws: IMClientError.self) { try await plain.ping() }
        }
    }

    @Test func reloadServesTheNewCertificateAndKeepsConnections() async throws {
        let certificates = try TestCertificates(name: "first")
        defer { certificates.remove() }
        try await withTLSServer(certificates) { server in
            let before = try await server.client(uid: 1, over: try certificates.tls())
            #expect(try await before.tlsPeerCertificate?.commonName == "first")

            try certificates.renew(name: "second")
            try server.server.reloadTLS()
            let after = try await server.client(uid: 2, over: try certificates.tls())
            #expect(try await after.tlsPeerCertificate?.commonName == "second")
            // The connection from before the reload is still served.
            try await before.ping()
            #expect(try await before.send(peerMessage(1, 2, "still here")).status == .success)
            let pushed = try await after.next { $0.frame.command == .im }
            #expect(pushed.message.map { String(buffer: $0.content) } == "still here")

            // A broken file is refused with its key and path, and the certificate in use stays.
            try "not a certificate".write(toFile: certificates.files.certificateFile, atomically: true, encoding: .utf8)
            let error = try #require(throws: IMConfigurationError.self) { try server.server.reloadTLS() }
            #expect(error.field == "cert_file")
            #expect(error.message.contains(certificates.files.certificateFile))
            let third = try await server.client(uid: 3, over: try certificates.tls())
            #expect(try await third.tlsPeerCertificate?.commonName == "second")
        }
    }

    @Test func missingOrBadFilesAreStartupErrorsNamingTheFileAndKey() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let other = try TestCertificates()
        defer { other.remove() }
        func error(_ tls: IMServerConfiguration.TLS?, listener: Bool = true) throws -> IMConfigurationError {
            var configuration = IMServerConfiguration(dataDirectory: certificates.directory.path)
            configuration.tls = tls
            if listener { configuration.tlsAddress = .init(host: "127.0.0.1", port: 0) }
            return try #require(throws: IMConfigurationError.self) { _ = try IMServer(configuration: configuration) }
        }
        let missing = certificates.directory.path + "/missing.pem"
        let noCertificate = try error(.init(certificateFile: missing, keyFile: certificates.files.keyFile))
        #expect(noCertificate.field == "cert_file")
        #expect(noCertificate.description == "cert_file: cannot read '\(missing)': No such file or directory")

        let noKey = try error(.init(certificateFile: certificates.files.certificateFile, keyFile: missing))
        #expect(noKey.field == "key_file")

        // The key of another certificate.
        let mismatched = try error(
            .init(certificateFile: certificates.files.certificateFile, keyFile: other.files.keyFile)
        )
        #expect(mismatched.field == "key_file")
        #expect(mismatched.message.contains("does not go with"))

        let garbage = certificates.directory.file("garbage.pem")
        try "-----BEGIN CERTIFICATE-----\nxx\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        let notPEM = try error(.init(certificateFile: garbage, keyFile: certificates.files.keyFile))
        #expect(notPEM.field == "cert_file")

        let noFiles = try error(nil)
        #expect(noFiles.description == "tls_listen: needs a certificate: set cert_file and key_file")
    }
}
