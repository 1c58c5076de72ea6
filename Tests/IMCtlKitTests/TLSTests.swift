import Crypto
import Foundation
import IMAdminClient
import IMCtlKit
import NIOCore
import NIOPosix
import NIOSSL
import SwiftASN1
import Testing
import X509

/// imctl against the admin API behind TLS (as behind an https reverse proxy): a TLS-terminating TCP
/// proxy in front of the in-process server, with a self-signed certificate made with swift-certificates.
@Suite("imctl over https")
struct TLSTests {
    @Test func httpsWithTheCAOrInsecureWorksAndWithoutFailsWithAHint() async throws {
        let directory = NSTemporaryDirectory() + "/imctl-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        try makeSelfSignedCertificate(certificate: certificate, key: key)

        try await withServer { server in
            let proxy = try await TLSProxy.start(
                certificate: certificate,
                key: key,
                upstreamPort: server.addresses.admin!.port
            )
            defer { proxy.stop() }
            let url = "https://127.0.0.1:\(proxy.port)"

            for extra in [["--cacert", certificate], ["--insecure"]] {
                let io = IMCtlIO.capturing()
                let code = await IMCtlRunner.run(
                    connection: try .parse(["--server", url, "--token-file", server.tokenFile] + extra),
                    output: try .parse(["--json"]),
                    io: io
                ) { IMCtlOp.StoreStats() }
                #expect(code == .ok, "\(extra): \(io.stdout)")
                #expect(try IMJSON(parsing: io.stdout)["data"]?["fsync_policy"] == "none")
            }

            let untrusted = IMCtlIO.capturing()
            let code = await IMCtlRunner.run(
                connection: try .parse(["--server", url, "--token-file", server.tokenFile]),
                output: try .parse([]),
                io: untrusted
            ) { IMCtlOp.StoreStats() }
            #expect(code == .unreachable)
            #expect(untrusted.stderr.contains("cannot connect: TLS"), "\(untrusted.stderr)")
            #expect(untrusted.stderr.contains("hint: for a self-signed or private CA certificate pass --cacert FILE"))

            let badCA = IMCtlIO.capturing()
            let usage = await IMCtlRunner.run(
                connection: try .parse(["--server", url, "--cacert", directory + "/missing.pem"]),
                output: try .parse([]),
                io: badCA
            ) { IMCtlOp.StoreStats() }
            #expect(usage == .usage)
            #expect(badCA.stderr.contains("CA file \(directory)/missing.pem: no such file"))
        }
    }

    /// A self-signed P-256 certificate for IP 127.0.0.1 (its own CA), as PEM files.
    private func makeSelfSignedCertificate(certificate: String, key: String) throws {
        let privateKey = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("127.0.0.1") }
        let now = Date()
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
        }
        let made = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(privateKey.publicKey),
            notValidBefore: now - 60,
            notValidAfter: now + 3600,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(privateKey)
        )
        try made.serializeAsPEM().pemString.write(toFile: certificate, atomically: true, encoding: .utf8)
        try privateKey.pemRepresentation.write(toFile: key, atomically: true, encoding: .utf8)
    }
}

/// Accepts TLS on 127.0.0.1 and pipes the plaintext to `upstreamPort`.
final class TLSProxy: Sendable {
    let channel: any Channel
    let port: Int

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress!.port!
    }

    static func start(certificate: String, key: String, upstreamPort: Int) async throws -> TLSProxy {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        )
        let context = try NIOSSLContext(configuration: configuration)
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                // The inbound side holds what arrives until the upstream connection is there.
                let inboundGlue = GlueHandler()
                do {
                    try inbound.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try inbound.pipeline.syncOperations.addHandler(inboundGlue)
                } catch {
                    return inbound.eventLoop.makeFailedFuture(error)
                }
                return ClientBootstrap(group: inbound.eventLoop)
                    .connect(host: "127.0.0.1", port: upstreamPort)
                    .flatMapThrowing { outbound in
                        let outboundGlue = GlueHandler()
                        try outbound.pipeline.syncOperations.addHandler(outboundGlue)
                        GlueHandler.link(inboundGlue, outboundGlue)
                    }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TLSProxy(channel: channel)
    }

    func stop() {
        channel.close(promise: nil)
    }
}

/// Joins two channels on one event loop: what one reads, the other writes. Reads that arrive before the
/// partner is linked are held and passed on when it is.
final class GlueHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var held: [NIOAny] = []
    private var closed = false

    static func link(_ first: GlueHandler, _ second: GlueHandler) {
        first.partner = second
        second.partner = first
        for handler in [first, second] {
            for data in handler.held { handler.partner?.context?.write(data, promise: nil) }
            handler.held = []
            handler.partner?.context?.flush()
            if handler.closed { handler.partner?.context?.close(promise: nil) }
        }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let partner { partner.context?.write(data, promise: nil) } else { held.append(data) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.context?.flush() }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        partner?.context?.close(promise: nil)
    }
}
