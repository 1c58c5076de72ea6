import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A client listener: one `SessionHandler` per accepted connection (it splits its own frames), behind
/// what the transport needs to turn its bytes into the protocol's byte stream.
///
/// - tcp: nothing;
/// - tls: TLS (the context current at accept time, so a reload reaches new connections);
/// - ws: HTTP, the upgrade on `/ws`, then WebSocket framing (`WebSocketPipeline`): each binary message's
///   first frame;
/// - wss: TLS, then as ws.
///
/// A connection past `max_connections` or `max_connections_per_ip` is closed as it is accepted.
enum ClientListener {
    /// How connections size their receive buffer: adaptive, starting at 256 bytes.
    ///
    /// NIO keeps a connection's receive buffer for its next read, for as long as the connection lives,
    /// at the size the allocator last asked for: with NIO's default (2048 bytes to start) that was 2 KiB
    /// of every idle connection, the largest part of its memory. A login frame fits in 256 bytes; a busy
    /// connection's buffer doubles with each read that fills it, up to 64 KiB, as before.
    static let receiveAllocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536)

    /// Binds `address` for `transport` and starts accepting. `tls` is required for tls and wss.
    static func bind(
        _ transport: IMTransport,
        at address: IMServerConfiguration.Endpoint,
        server: ServerContext,
        tls: TLSCredentials?,
        group: any EventLoopGroup
    ) async throws -> any Channel {
        precondition(!transport.isSecure || tls != nil, "\(transport) needs TLS credentials")
        let highWater = max(server.configuration.session.writeBufferHighWater, 2)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptErrorHandler(server: server))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: highWater / 2, high: highWater))
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: receiveAllocator)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard admit(channel, server: server) else { return }
                    let pipeline = channel.pipeline.syncOperations
                    if transport.isSecure, let tls {
                        try pipeline.addHandler(NIOSSLServerHandler(context: tls.context))
                    }
                    if transport.isWebSocket {
                        try WebSocketPipeline.configure(channel, server: server, transport: transport)
                    } else {
                        try pipeline.addHandler(SessionHandler(server: server, transport: transport))
                    }
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
    }

    /// Whether a new connection may stay (`max_connections`, `max_connections_per_ip`); a refused one is
    /// closed before any handler is added.
    private static func admit(_ channel: any Channel, server: ServerContext) -> Bool {
        let admission = server.admission
        switch admission.admit(channel.remoteAddress) {
        case .admitted(let address):
            channel.closeFuture.whenComplete { _ in admission.release(address) }
            return true
        case .refused(let cause, let reason):
            let remote = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
            server.refusals.refuse(cause, "connection from \(remote): \(reason)")
            channel.close(promise: nil)
            return false
        }
    }
}

/// Logs accept failures: a server out of file descriptors (EMFILE) otherwise backs off silently.
final class AcceptErrorHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel

    let server: ServerContext
    var lastLogged = NIODeadline.distantPast

    init(server: ServerContext) {
        self.server = server
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.counters.acceptErrors.add()
        let now = NIODeadline.now()
        if now - lastLogged > .seconds(10) {
            lastLogged = now
            server.logger.error(
                "accepting a client connection failed: \(error) (if EMFILE: raise the open-files limit)"
            )
        }
        context.fireErrorCaught(error)
    }
}

@available(*, unavailable)
extension AcceptErrorHandler: Sendable {}
