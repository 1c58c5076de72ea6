import NIOCore

/// The client side of one connection: stamps seqs, matches ACKs, PONGs and sync replies to the calls
/// waiting for them, and hands every other frame to the event stream. Runs on the channel's event loop.
final class IMClientHandler: ChannelInboundHandler {
    typealias InboundIn = IMFrame
    typealias OutboundOut = ByteBuffer

    private struct PendingSync {
        var promise: EventLoopPromise<IMSyncResult>
        /// nil: the personal queue (`MSG_SYNC`); otherwise a super group (`MSG_SYNC_GROUP`).
        var groupID: Int64?
        var result = IMSyncResult(beginKey: 0, messages: [], endKey: 0, moreKey: nil)
        var phase = Phase.waitingForBegin

        enum Phase { case waitingForBegin, messages, ended }
    }

    let events: AsyncStream<IMClientEvent>.Continuation
    var context: ChannelHandlerContext?
    var nextSeq: Int32 = 0
    var version: UInt8 = 2
    private var pendingMetadata: IMMetadata?
    private var acks: [Int32: EventLoopPromise<IMAck>] = [:]
    private var pongs = CircularBuffer<EventLoopPromise<Void>>()
    private var auth: EventLoopPromise<Int32>?
    private var sync: PendingSync?
    private var closed = false

    init(events: AsyncStream<IMClientEvent>.Continuation) {
        self.events = events
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    // MARK: Requests (called on the event loop)

    /// Writes a frame with the next seq; returns the seq.
    @discardableResult
    func write(_ command: IMCommand, body: ByteBuffer, flags: IMMessageFlags = [], version: UInt8? = nil) -> Int32 {
        nextSeq &+= 1
        var buffer = ByteBuffer()
        buffer.writeIMFrame(
            IMFrame(seq: nextSeq, command: command, version: version ?? self.version, flags: flags, body: body)
        )
        context?.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        return nextSeq
    }

    func writeRaw(_ bytes: ByteBuffer) {
        context?.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    func authenticate(_ token: IMAuthToken, version: UInt8, promise: EventLoopPromise<Int32>) {
        guard !failIfClosed(promise) else { return }
        auth?.fail(IMClientError(.unexpectedReply, "a second login was started before the first was answered"))
        auth = promise
        write(.authToken, body: token.body(), version: version)
    }

    func send(_ command: IMCommand, body: ByteBuffer, flags: IMMessageFlags, promise: EventLoopPromise<IMAck>) {
        guard !failIfClosed(promise) else { return }
        let seq = write(command, body: body, flags: flags)
        acks[seq] = promise
    }

    func ping(promise: EventLoopPromise<Void>) {
        guard !failIfClosed(promise) else { return }
        pongs.append(promise)
        write(.ping, body: ByteBuffer())
    }

    func sync(key: Int64, groupID: Int64? = nil, promise: EventLoopPromise<IMSyncResult>) {
        guard !failIfClosed(promise) else { return }
        guard sync == nil else {
            promise.fail(IMClientError(.syncInProgress, "a sync is already in progress on this connection"))
            return
        }
        sync = PendingSync(promise: promise, groupID: groupID)
        if let groupID {
            write(.syncGroup, body: IMScalarBody.pair(groupID, key))
        } else {
            write(.sync, body: IMScalarBody.int64(key))
        }
        // Everything the server sends for the sync (including a "has more" notify) precedes this PONG.
        let pong = promise.futureResult.eventLoop.makePromise(of: Void.self)
        pongs.append(pong)
        write(.ping, body: ByteBuffer())
        pong.futureResult.assumeIsolated().whenComplete { _ in self.finishSync() }
    }

    func cancelAck(seq: Int32) {
        acks.removeValue(forKey: seq)?.fail(IMClientError(.timeout, "no ACK for frame \(seq)"))
    }

    private func finishSync() {
        guard let pending = sync else { return }
        sync = nil
        if pending.phase == .ended {
            pending.promise.succeed(pending.result)
        } else {
            pending.promise.fail(IMClientError(.unexpectedReply, "the server did not answer the sync"))
        }
    }

    private func failIfClosed<T>(_ promise: EventLoopPromise<T>) -> Bool {
        if closed { promise.fail(IMClientError(.connectionClosed, "the connection is closed")) }
        return closed
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.command == .metadata {
            pendingMetadata = try? IMMetadata(body: frame.body)
            return
        }
        let metadata = pendingMetadata
        pendingMetadata = nil
        switch frame.command {
        case .authStatus:
            let status = frame.body.getInteger(at: frame.body.readerIndex, as: Int32.self) ?? -1
            if status == 0 { version = frame.version }
            auth?.succeed(status)
            auth = nil
            return
        case .pong:
            pongs.popFirst()?.succeed(())
            return
        case .ack:
            let ack = IMMessageACK(body: frame.body, version: frame.version)
            if let promise = acks.removeValue(forKey: ack.seq) {
                promise.succeed(IMAck(status: ack.status, metadata: metadata, flags: frame.flags))
                return
            }
        default:
            if handleSync(frame) { return }
        }
        events.yield(IMClientEvent(frame: frame, metadata: metadata))
    }

    /// Collects the frames of an in-flight sync; returns whether `frame` belonged to it.
    private func handleSync(_ frame: IMFrame) -> Bool {
        guard var pending = sync else { return false }
        let (begin, end, notify) =
            pending.groupID == nil
            ? (IMCommand.syncBegin, IMCommand.syncEnd, IMCommand.syncNotify)
            : (.syncGroupBegin, .syncGroupEnd, .syncGroupNotify)
        var body = frame.body
        if let groupID = pending.groupID, [begin, end, notify].contains(frame.command) {
            // Another group's BEGIN/END/NOTIFY is not this sync's.
            guard body.readInteger(as: Int64.self) == groupID else { return false }
        }
        let key = body.readInteger(as: Int64.self) ?? 0
        switch (pending.phase, frame.command) {
        case (.waitingForBegin, begin):
            pending.result.beginKey = key
            pending.phase = .messages
        case (.messages, end):
            pending.result.endKey = key
            pending.phase = .ended
        case (.messages, _):
            pending.result.messages.append(frame)
        case (.ended, notify) where key > pending.result.endKey:
            pending.result.moreKey = key
            sync = pending
            // Also an event: a client loop that syncs on notify sees it too.
            return false
        default:
            return false
        }
        sync = pending
        return true
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func failAll() {
        guard !closed else { return }
        closed = true
        let error = IMClientError(.connectionClosed, "the connection closed")
        auth?.fail(error)
        auth = nil
        for (_, promise) in acks { promise.fail(error) }
        acks = [:]
        while let pong = pongs.popFirst() { pong.fail(error) }
        sync?.promise.fail(error)
        sync = nil
        events.finish()
    }
}

@available(*, unavailable)
extension IMClientHandler: Sendable {}
