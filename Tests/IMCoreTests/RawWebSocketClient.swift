import IMCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Testing

/// A WebSocket client that sends and receives raw WebSocket frames (NIOWebSocket's client upgrade), for
/// what `IMClient` never does: text messages, oversize messages, several frames in one message, pings.
final class RawWebSocketClient: Sendable {
    let channel: any Channel
    /// Every WebSocket frame the server sent after the upgrade; finishes when the connection closes.
    let frames: AsyncStream<WebSocketFrame>

    private init(channel: any Channel, frames: AsyncStream<WebSocketFrame>) {
        self.channel = channel
        self.frames = frames
    }

    /// Connects to `127.0.0.1:port` and upgrades on `path`; with `tls`, over TLS.
    static func connect(
        port: Int,
        path: String = "/ws",
        tls: TLSConfiguration? = nil
    ) async throws -> RawWebSocketClient {
        let (frames, continuation) = AsyncStream<WebSocketFrame>.makeStream()
        let upgraded = NIOLockedValueBoxFuture()
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let promise = channel.eventLoop.makePromise(of: Void.self)
                    upgraded.set(promise.futureResult)
                    channel.closeFuture.whenComplete { _ in
                        promise.fail(IMClientError(.connectionClosed, "closed before the upgrade"))
                    }
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: nil)
                        )
                    }
                    let upgrader = NIOWebSocketClientUpgrader(
                        maxFrameSize: 1 << 20,
                        automaticErrorHandling: false,
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(FrameCollector(continuation))
                                promise.succeed(())
                            }
                        }
                    )
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        withClientUpgrade: (
                            upgraders: [upgrader],
                            completionHandler: { context in
                                context.pipeline.syncOperations.removeHandler(name: "upgrade-request", promise: nil)
                            }
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        UpgradeRequest(path: path, port: port),
                        name: "upgrade-request"
                    )
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        try await upgraded.get().get()
        return RawWebSocketClient(channel: channel, frames: frames)
    }

    /// Sends one masked frame.
    func send(_ opcode: WebSocketOpcode, _ data: ByteBuffer, fin: Bool = true) async throws {
        let frame = WebSocketFrame(fin: fin, opcode: opcode, maskKey: .random(), data: data)
        try await channel.writeAndFlush(frame)
    }

    /// Sends `frames` encoded back to back in one binary message.
    func sendBinary(_ frames: [IMFrame]) async throws {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeIMFrame(frame) }
        try await send(.binary, buffer)
    }

    /// The next frame from the server (nil once the connection closed); fails after `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> WebSocketFrame? {
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

    /// Reads until the server's close frame and returns its code; nil if the connection ended without one.
    func closeCode(timeout: Duration = .seconds(10)) async throws -> WebSocketErrorCode? {
        while let frame = try await next(timeout: timeout) {
            if frame.opcode == .connectionClose {
                var data = frame.unmaskedData
                return data.readWebSocketErrorCode()
            }
        }
        return nil
    }

    func close() async {
        try? await channel.close()
    }
}

/// Sends the upgrade request on connect.
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
        // A response that is not the upgrade: the server refused it.
        context.close(promise: nil)
    }
}

/// Hands every WebSocket frame to the stream.
private final class FrameCollector: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    let continuation: AsyncStream<WebSocketFrame>.Continuation

    init(_ continuation: AsyncStream<WebSocketFrame>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        continuation.finish()
    }
}

/// The upgrade's future, set by the channel initializer.
private final class NIOLockedValueBoxFuture: Sendable {
    private let box = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)

    func set(_ future: EventLoopFuture<Void>) { box.withLockedValue { $0 = future } }
    func get() throws -> EventLoopFuture<Void> {
        try #require(box.withLockedValue { $0 })
    }
}
