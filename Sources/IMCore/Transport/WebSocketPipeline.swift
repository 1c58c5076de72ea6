import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The pipeline of a WebSocket client connection (`ws_listen`, `wss_listen`): HTTP until the upgrade on
/// path `/ws` (any Origin, as GoBelieve), then `WebSocketFraming` and the same `SessionHandler` as every
/// other transport.
///
/// Before the upgrade, `WebSocketHandshakeHandler` answers any other request (404 for another path, 426
/// for `/ws` without an upgrade) and closes a connection that has not upgraded within the login timeout
/// (or the idle timeout, if shorter or without one), so a socket that never speaks holds nothing for long.
enum WebSocketPipeline {
    /// The one path that upgrades (PROTOCOL.md §1.1).
    static let path = "/ws"

    /// Adds the HTTP handlers and the upgrader to a new child channel (on its event loop).
    static func configure(_ channel: any Channel, server: ServerContext, transport: IMTransport) throws {
        let loginTimeout = server.configuration.limits.loginTimeout
        let idleTimeout = server.configuration.session.idleTimeout
        let timeout = loginTimeout > .zero ? min(loginTimeout, idleTimeout) : idleTimeout
        let handshake = WebSocketHandshakeHandler(timeout: TimeAmount(timeout))
        let sync = channel.pipeline.syncOperations
        try sync.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [WebSocketSessionUpgrader(server: server, transport: transport)],
                completionHandler: { context in
                    // Called before the upgrader adds the WebSocket handlers behind it.
                    context.pipeline.syncOperations.removeHandler(name: WebSocketHandshakeHandler.name, promise: nil)
                }
            )
        )
        try sync.addHandler(handshake, name: WebSocketHandshakeHandler.name)
    }

    /// Whether a request target is `/ws` (a query string is allowed).
    static func isWebSocketPath(_ uri: String) -> Bool {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first == path[...]
    }
}

/// The WebSocket upgrade on `/ws`: NIO's `NIOWebSocketServerUpgrader` checks the request and builds the
/// 101 response; the pipeline after it is ours: `WebSocketFraming` in the server role (RFC 6455 framing
/// with its rules, fragments joined up to `ws_max_message_size`, a flush of many protocol frames encoded
/// into one buffer, as on TCP) and the session.
struct WebSocketSessionUpgrader: HTTPServerProtocolUpgrader, Sendable {
    let server: ServerContext
    let transport: IMTransport
    private let handshake: NIOWebSocketServerUpgrader

    init(server: ServerContext, transport: IMTransport) {
        self.server = server
        self.transport = transport
        handshake = NIOWebSocketServerUpgrader(
            maxFrameSize: server.configuration.webSocket.maxMessageSize,
            automaticErrorHandling: false,
            shouldUpgrade: { channel, head in
                channel.eventLoop.makeSucceededFuture(WebSocketPipeline.isWebSocketPath(head.uri) ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
        )
    }

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
        context.eventLoop.makeCompletedFuture {
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandler(
                WebSocketFraming(
                    role: .server,
                    maxMessageSize: server.configuration.webSocket.maxMessageSize,
                    frames: .forClients
                )
            )
            try pipeline.addHandler(SessionHandler(server: server, transport: transport))
        }
    }
}

/// Answers the requests on a WebSocket listener that do not upgrade, and limits how long a connection may
/// take to upgrade. Removed from the pipeline by the upgrade.
final class WebSocketHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "im-websocket-handshake"

    let timeout: TimeAmount
    private var request: HTTPRequestHead?
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let request else { return }
            self.request = nil
            if WebSocketPipeline.isWebSocketPath(request.uri) {
                respond(context, .upgradeRequired, "\(WebSocketPipeline.path) takes WebSocket upgrades only\n")
            } else {
                respond(context, .notFound, "not found: WebSocket clients connect to \(WebSocketPipeline.path)\n")
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A refused upgrade (wrong path) is reported here and then arrives as a plain request; anything
        // else (a malformed request) ends the connection.
        if error is NIOWebSocketUpgradeError { return }
        context.close(promise: nil)
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ text: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
        headers.add(name: "Connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

@available(*, unavailable)
extension WebSocketHandshakeHandler: Sendable {}
