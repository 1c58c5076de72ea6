import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket

/// Sets up a client channel for an `IMClientTransport`, so that the handlers behind it (`IMClientHandler`,
/// imbench's connections) read `IMFrame`s and write `ByteBuffer`s of whole frames on every transport.
///
/// Made once per transport and shared by many connections: the TLS context (trust roots loaded) is
/// built here, not per connection.
package final class ClientPipeline: Sendable {
    package let transport: IMClientTransport
    private let sslContext: NIOSSLContext?

    /// Throws if the TLS configuration cannot be turned into a context (unreadable trust roots).
    package init(_ transport: IMClientTransport) throws {
        self.transport = transport
        sslContext = transport.kind.isSecure ? try NIOSSLContext(configuration: transport.tlsConfiguration) : nil
    }

    /// Adds the transport's handlers to `channel` (call from its initializer, on its event loop), then
    /// `handlers`. For WebSocket, `handlers` runs once the server accepted the upgrade. The future
    /// succeeds when frames can be written (at once for TCP and TLS, after the upgrade for WebSocket) and
    /// fails if the upgrade is refused or the connection closes first.
    ///
    /// - Parameters:
    ///   - host: the host connected to: the TLS name (unless `serverHostname` is set) and the `Host` header.
    ///   - maxFrameBodySize: the frame decoder's body limit. Default 1 MiB.
    package func configure(
        _ channel: any Channel,
        host: String,
        port: Int,
        maxFrameBodySize: Int = 1 << 20,
        handlers: @escaping @Sendable (any Channel) throws -> Void
    ) throws -> EventLoopFuture<Void> {
        let pipeline = channel.pipeline.syncOperations
        if let sslContext {
            let name = transport.serverHostname ?? (Self.isIPAddress(host) ? nil : host)
            try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: name))
        }
        guard transport.kind.isWebSocket else {
            try pipeline.addHandler(ByteToMessageHandler(IMFrameDecoder(maxBodySize: maxFrameBodySize)))
            try handlers(channel)
            return channel.eventLoop.makeSucceededFuture(())
        }
        let upgraded = channel.eventLoop.makePromise(of: Void.self)
        // Whatever ends the connection before the upgrade (a second completion is ignored).
        channel.closeFuture.whenComplete { _ in
            upgraded.fail(IMClientError(.connectionClosed, "the connection closed before the WebSocket upgrade"))
        }
        let upgrader = ClientWebSocketUpgrader(
            maxMessageSize: transport.maxWebSocketMessageSize,
            maxFrameBodySize: maxFrameBodySize,
            handlers: handlers,
            upgraded: upgraded
        )
        let requester = WebSocketUpgradeRequester(
            path: transport.webSocketPath,
            host: Self.isIPv6(host) ? "[\(host)]:\(port)" : "\(host):\(port)",
            upgraded: upgraded
        )
        try pipeline.addHTTPClientHandlers(
            withClientUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    // Called before the upgrader adds the WebSocket handlers behind it.
                    context.pipeline.syncOperations.removeHandler(name: WebSocketUpgradeRequester.name, promise: nil)
                }
            )
        )
        try pipeline.addHandler(requester, name: WebSocketUpgradeRequester.name)
        return upgraded.futureResult
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    static func isIPv6(_ host: String) -> Bool { host.contains(":") }
}

/// The client's WebSocket upgrade: NIO's `NIOWebSocketClientUpgrader` adds the request headers and checks
/// the answer; the pipeline after it is ours: `WebSocketFraming` in the client role (the server's framing
/// code: RFC 6455 rules, fragments joined, pings and closes answered, outbound frames masked), the frame
/// decoder of the TCP pipeline, and `handlers`.
struct ClientWebSocketUpgrader: NIOHTTPClientProtocolUpgrader, Sendable {
    let maxMessageSize: Int
    let maxFrameBodySize: Int
    let handlers: @Sendable (any Channel) throws -> Void
    let upgraded: EventLoopPromise<Void>
    private let handshake: NIOWebSocketClientUpgrader

    init(
        maxMessageSize: Int,
        maxFrameBodySize: Int,
        handlers: @escaping @Sendable (any Channel) throws -> Void,
        upgraded: EventLoopPromise<Void>
    ) {
        self.maxMessageSize = maxMessageSize
        self.maxFrameBodySize = maxFrameBodySize
        self.handlers = handlers
        self.upgraded = upgraded
        handshake = NIOWebSocketClientUpgrader(upgradePipelineHandler: { channel, _ in
            channel.eventLoop.makeSucceededVoidFuture()
        })
    }

    var supportedProtocol: String { handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { handshake.requiredUpgradeHeaders }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
    }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        let added = context.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            let frames = IMFrameDecoder(maxBodySize: maxFrameBodySize)
            try pipeline.addHandler(WebSocketFraming(role: .client, maxMessageSize: maxMessageSize, frames: frames))
            try pipeline.addHandler(ByteToMessageHandler(frames))
            try handlers(channel)
        }
        added.cascade(to: upgraded)
        return added
    }
}

/// Sends the WebSocket upgrade request when the connection opens, and fails the upgrade promise (and
/// closes) if the server answers anything but the upgrade: the answer then arrives here. Removed from the
/// pipeline by a successful upgrade.
final class WebSocketUpgradeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    static let name = "im-websocket-upgrade-request"

    let path: String
    let host: String
    let upgraded: EventLoopPromise<Void>
    private var sent = false
    private var done = false

    init(path: String, host: String, upgraded: EventLoopPromise<Void>) {
        self.path = path
        self.host = host
        self.upgraded = upgraded
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context)
        context.fireChannelActive()
    }

    private func sendRequest(_ context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            fail(
                context,
                IMClientError(
                    .unexpectedReply,
                    "the server refused the WebSocket upgrade on \(path): HTTP \(head.status.code)"
                )
            )
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, error)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: any Error) {
        guard !done else { return }
        done = true
        upgraded.fail(error)
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension WebSocketUpgradeRequester: Sendable {}
