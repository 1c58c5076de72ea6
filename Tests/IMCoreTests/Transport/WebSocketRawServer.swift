import IMCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Testing

/// A WebSocket server on `127.0.0.1:0` that upgrades any request and hands each connection to the test
/// as a `RawWebSocket` writing unmasked frames, exactly as the test says: for testing `IMClient`'s side of
/// WebSocket (fragments, pings between them, closes, broken framing).
final class WebSocketRawServer: Sendable {
    let channel: any Channel
    let connections: AsyncStream<RawWebSocket>

    private init(channel: any Channel, connections: AsyncStream<RawWebSocket>) {
        self.channel = channel
        self.connections = connections
    }

    var port: Int { channel.localAddress!.port! }

    static func start() async throws -> WebSocketRawServer {
        let (connections, continuation) = AsyncStream<RawWebSocket>.makeStream()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (
                            upgraders: [RawServerUpgrader(connections: continuation)], completionHandler: { _ in }
                        )
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return WebSocketRawServer(channel: channel, connections: connections)
    }

    /// The next upgraded connection; fails after `timeout`.
    func accept(timeout: Duration = .seconds(10)) async throws -> RawWebSocket {
        try await withThrowingTaskGroup(of: RawWebSocket?.self) { group in
            group.addTask {
                for await connection in self.connections { return connection }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw IMClientError(.timeout, "no WebSocket connection within \(timeout)")
            }
            defer { group.cancelAll() }
            return try #require(try await group.next()!, "the server stopped")
        }
    }

    func stop() async {
        try? await channel.close()
    }
}

/// `NIOWebSocketServerUpgrader` checks the request and makes the answer; after it, NIO's frame decoder
/// only (bytes are written raw).
private struct RawServerUpgrader: HTTPServerProtocolUpgrader, Sendable {
    let connections: AsyncStream<RawWebSocket>.Continuation
    let handshake = NIOWebSocketServerUpgrader(
        shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
        upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
    )

    var supportedProtocol: String { handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { handshake.requiredUpgradeHeaders }

    func buildUpgradeResponse(
        channel: any Channel,
        upgradeRequest: HTTPRequestHead,
        initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        handshake.buildUpgradeResponse(
            channel: channel,
            upgradeRequest: upgradeRequest,
            initialResponseHeaders: initialResponseHeaders
        )
    }

    func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        return context.eventLoop.makeCompletedFuture {
            let (frames, continuation) = AsyncStream<WebSocketFrame>.makeStream()
            try FrameCollector.add(to: channel, continuation)
            connections.yield(RawWebSocket(channel: channel, frames: frames, masks: false))
        }
    }
}
