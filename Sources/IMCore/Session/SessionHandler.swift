import Logging
import NIOCore
import NIOSSL

/// One client connection: decodes requests through `SessionStateMachine`, carries out its actions, and
/// owns the connection's outbound side (seq numbers, version, batching, back-pressure).
///
/// Everything runs on the channel's event loop. Other connections reach it through
/// `SessionRegistry.deliver`, which hops here and calls `push(_:)`.
///
/// The same handler serves every transport: it splits the protocol's byte stream into frames itself, and
/// in front of it the pipeline turns the transport's bytes into that stream (nothing on TCP, TLS, or
/// `WebSocketFraming`'s one frame per binary message) and the `ByteBuffer`s it writes (one or more whole
/// frames each) into the transport's bytes.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let core: ServerCore
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
    /// Real-time pushes held while the client is not reading (drop-oldest past the limit).
    /// An array, not a ring: it allocates nothing until a client falls behind.
    var heldPushes: [Push] = []
    /// Reply bytes written while the channel was not writable.
    var unreadReplyBytes = 0
    /// This loop's idle sweeper and this session's slot in it (touched on every frame).
    var idleSweeper: IdleSweeper?
    var idleSlot = -1
    var registeredAs: UserKey?
    /// Unix seconds of the successful login (for `GET /users/online`).
    var loggedInAt: Int64 = 0
    /// The chat room this connection is in (at most one).
    var room: RoomRegistry.RoomKey?
    var closed = false

    init(core: ServerCore, transport: IMTransport) {
        self.core = core
        self.transport = transport
        self.transportCounters = core.counters.transport(transport)
        self.sessionID = core.registry.makeSessionID()
    }

    /// The server's logger; per-session details go into each message (a per-session copy of the logger
    /// with its own metadata would cost every idle connection a few hundred bytes).
    var logger: Logger { core.logger }

    /// The client's address and this session, for log lines.
    var peer: String {
        var text = "\(transport) session \(sessionID)"
        if let address = context?.channel.remoteAddress {
            text += " from \(address.ipAddress ?? "?"):\(address.port ?? 0)"
        }
        if let user = machine.identity?.user { text += " (user \(user))" }
        return text
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        core.counters.connections.add()
        core.counters.accepted.add()
        transportCounters.connections.add()
        transportCounters.accepted.add()
        let sweeper = core.idleSweepers.sweeper(on: context.eventLoop)
        idleSweeper = sweeper
        idleSlot = sweeper.add(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed = true
        idleSweeper?.remove(idleSlot)
        idleSweeper = nil
        core.counters.connections.add(-1)
        transportCounters.connections.add(-1)
        if let user = registeredAs {
            core.registry.unregister(user, id: sessionID)
            registeredAs = nil
        }
        leaveRoom()
        heldPushes = []
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reader.append(unwrapInboundIn(data))
        do {
            while !closed, let frame = try reader.next() { received(frame) }
        } catch {
            protocolError(error)
        }
    }

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
            core.counters.refusedMessages.add()
            send(.ack(seq: seq, status: status))
        case .authenticate(let token):
            authenticate(token)
        case .serve(let request, let identity):
            serve(request, identity)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        guard context.channel.isWritable else { return }
        unreadReplyBytes = 0
        for push in heldPushes {
            for frame in push.frames { encode(frame) }
        }
        heldPushes = []
        flush()
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is IMWireError {
            protocolError(error)
        } else if let error = error as? NIOSSLError, case .handshakeFailed = error {
            core.counters.tlsHandshakeFailures.add()
            logger.info("closing \(peer): TLS handshake failed: \(error)")
            close(reason: "TLS handshake failed")
        } else {
            logger.debug("closing \(peer): \(error)")
            close(reason: "\(error)")
        }
    }

    // MARK: Login

    private func authenticate(_ token: IMAuthToken) {
        guard let version = machine.loginVersion else { return }
        switch core.authenticator.authenticate(token.token, now: core.now()) {
        case .failure(let failure):
            machine.authenticationFailed()
            core.counters.loginsFailed.add()
            logger.info("login failed from \(peer): \(failure)")
            send(.raw(.authStatus, IMScalarBody.int32(1)))
        case .success(let user):
            let deviceID = core.directory.deviceID(for: token.deviceID, platform: token.platform.rawValue)
            let identity = SessionIdentity(user: user, deviceID: deviceID, platform: token.platform, version: version)
            machine.authenticated(identity)
            core.counters.loginsSucceeded.add()
            send(.raw(.authStatus, IMScalarBody.int32(0)))
            core.directory.setUnreadCount(user, 0)
            register(identity)
        }
    }

    private func register(_ identity: SessionIdentity) {
        guard let loopBound else { return }
        let entry = SessionRegistry.Entry(
            id: sessionID,
            deviceID: identity.deviceID,
            platform: identity.platform,
            handler: loopBound
        )
        registeredAs = identity.user
        loggedInAt = core.now()
        let evicted = core.registry.register(
            identity.user,
            entry,
            limit: core.configuration.session.maxConnectionsPerUser
        )
        for old in evicted {
            let handler = old.handler
            handler.eventLoop.execute {
                handler.value.registeredAs = nil
                handler.value.close(reason: "the user's connection limit was exceeded; closing the oldest")
            }
        }
    }

    // MARK: Output

    /// Encodes `frame` for this connection (next seq, the connection's version) into the pending output.
    func encode(_ frame: OutboundFrame) {
        if output.capacity == 0 { output.reserveCapacity(512) }
        outboundSeq &+= 1
        frame.write(into: &output, seq: outboundSeq, version: machine.version)
        if frame.countsAsMessage { core.counters.outMessages.add() }
    }

    /// Sends a reply (AUTH_STATUS, PONG, ACK, sync pages): never dropped. A client that lets replies pile
    /// up past `maxPendingReplyBytes` without reading is disconnected.
    func send(_ frame: OutboundFrame) {
        guard !closed else { return }
        let before = output.writerIndex
        encode(frame)
        guard let context, !context.channel.isWritable else { return }
        unreadReplyBytes += output.writerIndex - before
        if unreadReplyBytes > core.configuration.session.maxPendingReplyBytes {
            core.counters.slowConsumersClosed.add()
            close(reason: "\(unreadReplyBytes) bytes of replies unread; it can catch up by sync")
        }
    }

    /// A real-time copy from another session (or this one). Held, and the oldest dropped past the limit,
    /// while the client is not reading; it catches up by sync.
    func push(_ push: Push) {
        guard !closed, let context else { return }
        if context.channel.isWritable && heldPushes.isEmpty {
            for frame in push.frames { encode(frame) }
            scheduleFlush()
            return
        }
        heldPushes.append(push)
        if heldPushes.count > core.configuration.session.maxQueuedPushes {
            heldPushes.removeFirst()
            core.counters.droppedPushes.add()
        }
    }

    func scheduleFlush() {
        guard !flushScheduled, let context, let loopBound else { return }
        flushScheduled = true
        context.eventLoop.execute {
            loopBound.value.flushScheduled = false
            loopBound.value.flush()
        }
    }

    func flush() {
        guard let context, output.readableBytes > 0 else { return }
        let bytes = output
        output = ByteBuffer()
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
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
        core.counters.protocolErrors.add()
        // One line with the peer and reason; never the body.
        logger.info("closing \(peer): protocol error: \(error)")
        close(reason: "protocol error")
    }

    /// Called by the idle sweeper: no complete frame for the idle timeout.
    func closeIdle() {
        guard !closed else { return }
        core.counters.idleClosed.add()
        close(reason: "no frame for \(core.configuration.session.idleTimeout)")
    }
}

@available(*, unavailable)
extension SessionHandler: Sendable {}
