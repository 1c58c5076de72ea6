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
        let maxMessageSize = transport.maxWebSocketMessageSize
        let upgrader = NIOWebSocketClientUpgrader(
            maxFrameSize: maxMessageSize,
            automaticErrorHandling: false,
            upgradePipelineHandler: { channel, _ in
                let added = channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 1,
                            maxAccumulatedFrameCount: 64,
                            maxAccumulatedFrameSize: maxMessageSize
                        )
                    )
                    try pipeline.addHandler(ClientWebSocketFraming(maxFrameBodySize: maxFrameBodySize))
                    try handlers(channel)
                }
                added.cascade(to: upgraded)
                return added
            }
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

/// The client side of WebSocket framing: every frame written leaves as its own masked binary message;
/// every binary message received is decoded into the frames it holds (the server sends one per message).
/// Pings are answered, a close is echoed and ends the connection, text messages are ignored.
final class ClientWebSocketFraming: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = IMFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private var decoder: IMFrameDecoder
    private var closeSent = false

    init(maxFrameBodySize: Int) {
        decoder = IMFrameDecoder(maxBodySize: maxFrameBodySize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch message.opcode {
        case .binary:
            var bytes = message.unmaskedData
            do {
                while let frame = try decoder.decode(buffer: &bytes) {
                    context.fireChannelRead(wrapInboundOut(frame))
                }
            } catch {
                context.fireErrorCaught(error)
            }
        case .ping:
            var payload = message.unmaskedData
            let pong = WebSocketFrame(
                fin: true,
                opcode: .pong,
                maskKey: .random(),
                data: payload.readSlice(length: payload.readableBytes)!
            )
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var frames = unwrapOutboundIn(data)
        while let frame = frames.readIMFrameBytes() {
            let last = frames.readableBytes == 0
            context.write(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: frame)),
                promise: last ? promise : nil
            )
        }
        // Not a whole frame (tests of malformed input write such bytes): one message as it is.
        if frames.readableBytes > 0 {
            context.write(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: frames)),
                promise: promise
            )
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !closeSent, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        closeSent = true
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.write(webSocketErrorCode: .normalClosure)
        context.writeAndFlush(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: payload)),
            promise: nil
        )
        context.close(mode: mode, promise: promise)
    }
}

@available(*, unavailable)
extension ClientWebSocketFraming: Sendable {}
