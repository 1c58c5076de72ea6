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
/// the answer; the pipeline after it is ours: NIO's frame decoder, the fragment aggregator,
/// `ClientWebSocketFraming` (which also encodes and masks the outbound frames) and `handlers`.
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
            try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxMessageSize)))
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

/// The client side of WebSocket framing: every frame written leaves as its own masked binary message,
/// all of one write encoded into one buffer; every binary message received is decoded into the frames it
/// holds (the server sends one per message). Pings are answered, a close is echoed and ends the
/// connection, text messages are ignored.
///
/// Masks (RFC 6455 §5.3) come from a generator seeded once per connection from the system's random
/// source: unpredictable to anyone on the path, without a system call per message.
final class ClientWebSocketFraming: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = IMFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var decoder: IMFrameDecoder
    private var masks = MaskGenerator()
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
            let payload = message.unmaskedData
            var pong = context.channel.allocator.buffer(capacity: payload.readableBytes + 6)
            writeMessage(.pong, payload, into: &pong)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var frames = unwrapOutboundIn(data)
        // At most an 8-byte header (with the mask) per 12-byte frame.
        var messages = context.channel.allocator.buffer(capacity: frames.readableBytes * 5 / 3 + 14)
        while let frame = frames.readIMFrameBytes() {
            writeMessage(.binary, frame, into: &messages)
        }
        // Not a whole frame (tests of malformed input write such bytes): one message as it is.
        if frames.readableBytes > 0 { writeMessage(.binary, frames, into: &messages) }
        context.write(wrapOutboundOut(messages), promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !closeSent, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        closeSent = true
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.write(webSocketErrorCode: .normalClosure)
        var message = context.channel.allocator.buffer(capacity: 8)
        writeMessage(.connectionClose, payload, into: &message)
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
        context.close(mode: mode, promise: promise)
    }

    /// Appends one unfragmented, masked WebSocket message (RFC 6455 §5.2).
    private func writeMessage(_ opcode: WebSocketOpcode, _ payload: ByteBuffer, into buffer: inout ByteBuffer) {
        let length = payload.readableBytes
        buffer.writeInteger(UInt8(0x80) | UInt8(webSocketOpcode: opcode))
        switch length {
        case ..<126: buffer.writeInteger(UInt8(0x80) | UInt8(length))
        case ...Int(UInt16.max): buffer.writeMultipleIntegers(UInt8(0x80 | 126), UInt16(length))
        default: buffer.writeMultipleIntegers(UInt8(0x80 | 127), UInt64(length))
        }
        let mask = masks.next()
        buffer.writeInteger(mask)
        let start = buffer.writerIndex - buffer.readerIndex
        buffer.writeImmutableBuffer(payload)
        let key = (
            UInt8(truncatingIfNeeded: mask >> 24), UInt8(truncatingIfNeeded: mask >> 16),
            UInt8(truncatingIfNeeded: mask >> 8), UInt8(truncatingIfNeeded: mask)
        )
        buffer.withUnsafeMutableReadableBytes { bytes in
            for index in 0..<length {
                switch index & 3 {
                case 0: bytes[start + index] ^= key.0
                case 1: bytes[start + index] ^= key.1
                case 2: bytes[start + index] ^= key.2
                default: bytes[start + index] ^= key.3
                }
            }
        }
    }
}

@available(*, unavailable)
extension ClientWebSocketFraming: Sendable {}

/// SplitMix64, seeded from the system's random source: WebSocket masks without a system call each.
struct MaskGenerator {
    private var state = UInt64.random(in: .min ... .max)

    mutating func next() -> UInt32 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt32(truncatingIfNeeded: z ^ (z >> 31))
    }
}
