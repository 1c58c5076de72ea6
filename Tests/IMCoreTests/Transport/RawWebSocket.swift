import IMCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Testing

/// One end of an upgraded WebSocket connection that writes exactly the bytes a test says (any bits, any
/// opcode, any split into TCP writes) and reads the other end's frames with NIO's decoder, for what our
/// framing never sends: fragments, reserved bits and opcodes, wrong masking, bad close frames, text.
///
/// `connect` makes a client's end (frames masked by default); `WebSocketRawServer` hands out a server's
/// (frames not masked).
final class RawWebSocket: Sendable {
    let channel: any Channel
    /// Every WebSocket frame the other end sent after the upgrade; finishes when the connection closes.
    let frames: AsyncStream<WebSocketFrame>
    /// Whether `send` masks its frames (a client's end).
    let masks: Bool

    init(channel: any Channel, frames: AsyncStream<WebSocketFrame>, masks: Bool) {
        self.channel = channel
        self.frames = frames
        self.masks = masks
    }

    /// Connects to `127.0.0.1:port` and upgrades on `path`; with `tls`, over TLS.
    static func connect(
        port: Int,
        path: String = "/ws",
        tls: TLSConfiguration? = nil
    ) async throws -> RawWebSocket {
        let (frames, continuation) = AsyncStream<WebSocketFrame>.makeStream()
        let upgraded = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let promise = channel.eventLoop.makePromise(of: Void.self)
                    upgraded.withLockedValue { $0 = promise.futureResult }
                    channel.closeFuture.whenComplete { _ in
                        promise.fail(IMClientError(.connectionClosed, "closed before the upgrade"))
                    }
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                    }
                    try pipeline.addHTTPClientHandlers(
                        withClientUpgrade: (
                            upgraders: [RawClientUpgrader(continuation: continuation, upgraded: promise)],
                            completionHandler: { context in
                                context.pipeline.syncOperations.removeHandler(name: "upgrade-request", promise: nil)
                            }
                        )
                    )
                    try pipeline.addHandler(UpgradeRequest(path: path, port: port), name: "upgrade-request")
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        try await #require(upgraded.withLockedValue { $0 }).get()
        return RawWebSocket(channel: channel, frames: frames, masks: true)
    }

    /// The bytes of one frame, exactly: FIN, the RSV bits (`rsv`, 0-7 for RSV1-3), the raw `opcode`, the
    /// mask bit and key when `mask` is set (the payload masked with it), the length in its shortest form.
    /// `rsv` 4 sets RSV1, 2 RSV2, 1 RSV3.
    static func frameBytes(
        _ opcode: UInt8,
        _ payload: ByteBuffer,
        fin: Bool = true,
        rsv: UInt8 = 0,
        mask: UInt32?
    ) -> ByteBuffer {
        var bytes = ByteBuffer()
        bytes.writeInteger((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0x0F))
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch payload.readableBytes {
        case ..<126: bytes.writeInteger(maskBit | UInt8(payload.readableBytes))
        case ...0xFFFF: bytes.writeMultipleIntegers(maskBit | 126, UInt16(payload.readableBytes))
        default: bytes.writeMultipleIntegers(maskBit | 127, UInt64(payload.readableBytes))
        }
        guard let mask else {
            bytes.writeImmutableBuffer(payload)
            return bytes
        }
        bytes.writeInteger(mask)
        let key = [UInt8(mask >> 24), UInt8(mask >> 16 & 0xFF), UInt8(mask >> 8 & 0xFF), UInt8(mask & 0xFF)]
        for (index, byte) in payload.readableBytesView.enumerated() { bytes.writeInteger(byte ^ key[index % 4]) }
        return bytes
    }

    /// The bytes of one frame as this end sends it (masked with a random key when `masks`).
    func frameBytes(_ opcode: WebSocketOpcode, _ payload: ByteBuffer, fin: Bool = true, rsv: UInt8 = 0) -> ByteBuffer {
        Self.frameBytes(
            UInt8(webSocketOpcode: opcode),
            payload,
            fin: fin,
            rsv: rsv,
            mask: masks ? .random(in: 1 ... .max) : nil
        )
    }

    /// Sends one frame.
    func send(_ opcode: WebSocketOpcode, _ data: ByteBuffer, fin: Bool = true) async throws {
        try await write(frameBytes(opcode, data, fin: fin))
    }

    /// Sends `frames` encoded back to back in one binary message.
    func sendBinary(_ frames: [IMFrame]) async throws {
        try await send(.binary, Self.encode(frames))
    }

    /// Writes `bytes` in one write.
    func write(_ bytes: ByteBuffer) async throws {
        try await channel.writeAndFlush(bytes)
    }

    /// Writes `bytes` one byte per write, each flushed and written before the next.
    func drip(_ bytes: ByteBuffer) async throws {
        for byte in bytes.readableBytesView { try await write(ByteBuffer(bytes: [byte])) }
    }

    /// The next frame from the other end (nil once the connection closed); fails after `timeout`.
    func next(timeout: Duration = .seconds(60)) async throws -> WebSocketFrame? {
        try await withThrowingTaskGroup(of: WebSocketFrame?.self) { group in
            group.addTask {
                for await frame in self.frames { return frame }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw IMClientError(.timeout, "no WebSocket frame within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Reads until the other end's close frame: the frames before it, and the close frame (nil if the
    /// connection ended without one).
    func untilClose(timeout: Duration = .seconds(60)) async throws -> (before: [WebSocketFrame], close: WebSocketFrame?)
    {
        var before: [WebSocketFrame] = []
        while let frame = try await next(timeout: timeout) {
            if frame.opcode == .connectionClose { return (before, frame) }
            before.append(frame)
        }
        return (before, nil)
    }

    /// Reads until the other end's close frame and returns its code; nil if the connection ended without
    /// one, or the close frame had no body.
    func closeCode(timeout: Duration = .seconds(60)) async throws -> WebSocketErrorCode? {
        var data = try await untilClose(timeout: timeout).close?.unmaskedData
        return data?.readWebSocketErrorCode()
    }

    func close() async {
        try? await channel.close()
    }

    /// `frames` encoded back to back.
    static func encode(_ frames: [IMFrame]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeIMFrame(frame) }
        return buffer
    }
}

/// The client upgrade: `NIOWebSocketClientUpgrader` makes the request headers and checks the answer;
/// after it, NIO's frame decoder only (bytes are written raw).
private struct RawClientUpgrader: NIOHTTPClientProtocolUpgrader {
    let continuation: AsyncStream<WebSocketFrame>.Continuation
    let upgraded: EventLoopPromise<Void>
    let handshake = NIOWebSocketClientUpgrader(upgradePipelineHandler: { channel, _ in
        channel.eventLoop.makeSucceededVoidFuture()
    })

    var supportedProtocol: String { handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { handshake.requiredUpgradeHeaders }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
    }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        let added = context.eventLoop.makeCompletedFuture {
            try FrameCollector.add(to: context.channel, continuation)
        }
        added.cascade(to: upgraded)
        return added
    }
}

/// Sends the upgrade request on connect; closes on any answer that reaches it (a refused upgrade).
private final class UpgradeRequest: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let path: String
    let port: Int

    init(path: String, port: Int) {
        self.path = path
        self.port = port
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "127.0.0.1:\(port)")
        headers.add(name: "Content-Length", value: "0")
        context.write(
            wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers))),
            promise: nil
        )
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.close(promise: nil)
    }
}

/// Decodes the other end's frames with NIO's decoder and hands each to the stream.
final class FrameCollector: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    let continuation: AsyncStream<WebSocketFrame>.Continuation

    init(_ continuation: AsyncStream<WebSocketFrame>.Continuation) {
        self.continuation = continuation
    }

    /// Adds NIO's frame decoder and a collector to an upgraded channel.
    static func add(to channel: any Channel, _ continuation: AsyncStream<WebSocketFrame>.Continuation) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        try pipeline.addHandler(FrameCollector(continuation))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish()
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        continuation.finish()
    }
}
