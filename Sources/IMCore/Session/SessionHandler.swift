import Logging
import NIOCore
import NIOSSL

/// One client connection: decodes requests through `SessionStateMachine`, carries out its actions, and
/// owns the connection's outbound side (seq numbers, version, batching, back-pressure).
///
/// Everything runs on the channel's event loop. Messages go through the message service; copies of
/// other users' messages arrive through the route bus, which hops here and calls `deliver(_:)`.
/// Completions of the ports (which may run on any thread) come back through `onLoop(_:)`.
///
/// The same handler serves every transport: it splits the protocol's byte stream into frames itself, and
/// in front of it the pipeline turns the transport's bytes into that stream (nothing on TCP, TLS, or
/// `WebSocketFraming`'s one frame per binary message) and the `ByteBuffer`s it writes (one or more whole
/// frames each) into the transport's bytes.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let server: ServerContext
    /// How the client is connected, for `/summary`'s per-transport counts.
    let transport: IMTransport
    let transportCounters: TransportCounters
    var machine = SessionStateMachine()
    /// Frames are split here rather than by a `ByteToMessageHandler` in front (less memory per connection,
    /// no pipeline hop per frame).
    var reader = IMFrameReader(decoder: .forClients)
    var context: ChannelHandlerContext?
    var loopBound: NIOLoopBound<SessionHandler>?
    let sessionID: UInt64

    /// Frames encoded since the last flush: a read burst's replies go out in one write. Empty (no
    /// storage) between flushes, so an idle connection holds no output memory.
    var output = ByteBuffer()
    var outboundSeq: Int32 = 0
    var flushScheduled = false
    /// Real-time copies held while the client is not reading (drop-oldest past the limit) or a sync is
    /// being read. An array, not a ring: it allocates nothing until a client falls behind.
    var heldCopies: [MessageCopy] = []
    /// Reply bytes written while the channel was not writable.
    var unreadReplyBytes = 0
    /// This loop's idle sweeper and this session's slot in it (touched on every frame).
    var idleSweeper: IdleSweeper?
    var idleSlot = -1
    /// This session's slot among those not logged in yet (`login_timeout`); -1 once logged in.
    var loginSlot = -1
    /// Failed logins on this connection (`max_login_failures`).
    var loginFailureCount = 0
    /// `max_messages_per_second`; nil without that limit.
    var rateLimiter: MessageRateLimiter?
    var registeredAs: UserKey?
    /// Unix seconds of the successful login (for `GET /users/online`).
    var loggedInAt: Int64 = 0
    /// The chat room this connection is in (at most one).
    var room: RoomKey?
    var closed = false
    /// Whether the socket is not read (`readFrames()`): frames wait behind a login or a sync, the client
    /// does not read what it is sent, or too many of its messages are being stored.
    var readingPaused = false
    /// This connection's messages handed to the message service and not answered yet.
    var pendingMessages = 0

    init(server: ServerContext, transport: IMTransport) {
        self.server = server
        self.transport = transport
        self.transportCounters = server.counters.transport(transport)
        self.sessionID = server.local.sessions.makeSessionID()
        let limits = server.configuration.limits
        self.rateLimiter = MessageRateLimiter(rate: limits.maxMessagesPerSecond, burst: limits.effectiveMessageBurst)
    }

    /// The server's logger; per-session details go into each message (a per-session copy of the logger
    /// with its own metadata would cost every idle connection a few hundred bytes).
    var logger: Logger { server.logger }

    /// The client's address and this session, for log lines.
    var peer: String {
        var text = "\(transport) session \(sessionID)"
        if let address = context?.channel.remoteAddress {
            text += " from \(address.ipAddress ?? "?"):\(address.port ?? 0)"
        }
        if let user = machine.identity?.user { text += " (user \(user))" }
        return text
    }

    /// This session's event loop, for a port's completion (which may run on any thread) to come back to;
    /// nil before the handler is added.
    var loop: SessionLoop? { loopBound.map(SessionLoop.init) }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        server.counters.connections.add()
        server.counters.accepted.add()
        transportCounters.connections.add()
        transportCounters.accepted.add()
        let sweeper = server.idleSweepers.sweeper(on: context.eventLoop)
        idleSweeper = sweeper
        idleSlot = sweeper.add(self)
        loginSlot = sweeper.awaitLogin(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed = true
        idleSweeper?.remove(idleSlot)
        idleSweeper?.loginEnded(loginSlot)
        loginSlot = -1
        idleSweeper = nil
        server.counters.connections.add(-1)
        transportCounters.connections.add(-1)
        if let user = registeredAs {
            server.bus.unregister(user, sessionID: sessionID)
            registeredAs = nil
        }
        leaveRoom()
        heldCopies = []
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reader.append(unwrapInboundIn(data))
        readFrames()
    }

    /// Handles the frames buffered so far, in order. While a login or a sync is being answered (its
    /// directory or store read may answer later) the rest wait in the reader, as GoBelieve answers one
    /// request after another: a client may send SYNC right after AUTH, or PING after SYNC and take the
    /// PONG as the end of the sync's reply. Past `maxWaitingBytes` waiting, the socket is not read.
    ///
    /// Back-pressure: while the client does not read what it is sent (the channel is not writable) or
    /// `maxPendingMessages` of its messages are being stored, no further frame is served and the socket
    /// is not read, so a client that floods without reading costs its kernel buffers, not our memory;
    /// reading resumes when the channel drains (`channelWritabilityChanged`) or a message is answered.
    func readFrames() {
        do {
            while !closed, !machine.isAnswering, !isBackedUp, let frame = try reader.next() { received(frame) }
        } catch {
            protocolError(error)
        }
        let pause =
            (machine.isAnswering && reader.bufferedBytes > Self.maxWaitingBytes)
            || (isBackedUp && reader.bufferedBytes > 0)
        if pause != readingPaused, let context {
            readingPaused = pause
            context.channel.setOption(ChannelOptions.autoRead, value: !pause).whenComplete { _ in }
        }
    }

    /// Whether the client's frames must wait: it does not read, or too many of its messages are being stored.
    private var isBackedUp: Bool {
        pendingMessages >= Self.maxPendingMessages || context.map { !$0.channel.isWritable } ?? false
    }

    /// Bytes of frames that may wait behind a login or sync being answered before the socket is not read.
    static let maxWaitingBytes = 256 << 10
    /// A connection's messages being stored at once before its socket is not read: far above any
    /// client's window (imbench's largest is 1000; GoBelieve's clients wait for each ACK).
    static let maxPendingMessages = 4096

    func channelInactive(context: ChannelHandlerContext) {
        if reader.bufferedBytes > 0 {
            protocolError(IMWireError(.truncatedFrame, "the stream ended \(reader.bufferedBytes) bytes into a frame"))
        }
        context.fireChannelInactive()
    }

    /// One complete frame from the client.
    private func received(_ frame: IMFrame) {
        idleSweeper?.touch(idleSlot)
        let request: IMClientRequest
        do {
            request = try IMClientRequest(frame: frame)
        } catch {
            protocolError(error)
            return
        }
        let action = machine.received(request, seq: frame.seq, version: frame.version, flags: frame.flags)
        switch action {
        case .ignore:
            break
        case .reply(.pong):
            send(.raw(.pong, ByteBuffer()))
        case .reply(.refusal(let seq, let status)):
            server.counters.refusedMessages.add()
            send(.ack(seq: seq, status: status))
        case .authenticate(let token):
            authenticate(token)
        case .serve(let request, let identity):
            if rateLimiter != nil, !admitByRate(request, identity) { return }
            serve(request, identity)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        guard context.channel.isWritable else { return }
        unreadReplyBytes = 0
        releaseHeldCopies()
        readFrames()
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is IMWireError {
            protocolError(error)
        } else if let error = error as? NIOSSLError, case .handshakeFailed = error {
            server.counters.tlsHandshakeFailures.add()
            logger.info("closing \(peer): TLS handshake failed: \(error)")
            close(reason: "TLS handshake failed")
        } else {
            logger.debug("closing \(peer): \(error)")
            close(reason: "\(error)")
        }
    }

    // MARK: Closing

    /// Flushes what is pending and closes the connection.
    func close(reason: String) {
        guard !closed, let context else { return }
        closed = true
        logger.debug("closing \(peer): \(reason)")
        flush()
        context.close(promise: nil)
    }

    private func protocolError(_ error: any Error) {
        guard !closed else { return }
        server.counters.protocolErrors.add()
        // One line with the peer and reason; never the body.
        logger.info("closing \(peer): protocol error: \(error)")
        close(reason: "protocol error")
    }

    /// Called by the idle sweeper: no complete frame for the idle timeout.
    func closeIdle() {
        guard !closed else { return }
        server.counters.idleClosed.add()
        close(reason: "no frame for \(server.configuration.session.idleTimeout)")
    }
}

@available(*, unavailable)
extension SessionHandler: Sendable {}

/// A session's way back to its event loop from any thread (a `Sendable` value a completion can capture).
struct SessionLoop: Sendable {
    let bound: NIOLoopBound<SessionHandler>

    /// Runs `body` with the session on its loop: at once when called there (a port that answered at
    /// once), otherwise as the loop's next task.
    func run(_ body: @escaping @Sendable (SessionHandler) -> Void) {
        if bound.eventLoop.inEventLoop {
            body(bound.value)
        } else {
            let bound = self.bound
            bound.eventLoop.execute { body(bound.value) }
        }
    }
}
