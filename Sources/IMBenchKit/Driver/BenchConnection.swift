import IMCore
import NIOCore

/// One simulated client on the generator's event loop: logs in, sends under the load model, matches
/// ACKs, and accounts for and times every pushed message. No task or await per message.
final class BenchConnection: ChannelInboundHandler {
    typealias InboundIn = IMFrame
    typealias OutboundOut = ByteBuffer

    let spec: ConnectionSpec
    let shard: LoopShard
    /// Where this sender sits among all senders (spreads open-loop senders' phases).
    var senderOrdinal = 0
    let ready: EventLoopPromise<Void>
    private let connectStarted: UInt64
    private var context: ChannelHandlerContext?
    private var version: UInt8 = 2
    private var nextSeq: Int32 = 0
    private var authSentAt: UInt64 = 0
    private var loggedIn = false
    /// Set while the room entry's PING is out: the connection is ready on its PONG.
    private var enteringRoom = false
    private var closing = false
    private var readyDone = false

    // Sending.
    private var plan: SendPlan?
    private var pacer: OpenLoopPacer?
    private var sending = false
    private var number: UInt32 = 0
    private var inFlight: [Int32: (number: UInt32, intended: UInt64)] = [:]
    private var acked = SequenceSet()
    private var pending: ByteBuffer?

    // Receiving.
    private var receipts: [Int64: StreamReceipts] = [:]
    private var pings = CircularBuffer<UInt64>()

    init(spec: ConnectionSpec, shard: LoopShard, ready: EventLoopPromise<Void>, connectStarted: UInt64) {
        self.spec = spec
        self.shard = shard
        self.ready = ready
        self.connectStarted = connectStarted
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { loginOnce(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        loginOnce(context: context)
        context.fireChannelActive()
    }

    private func loginOnce(context: ChannelHandlerContext) {
        guard authSentAt == 0 else { return }
        let now = BenchClock.now()
        shard.record(.connect, started: connectStarted, now: now)
        shard.live.connected.add(1, ordering: .relaxed)
        authSentAt = now
        let token = IMAuthToken(platform: .android, token: spec.user.token, deviceID: spec.deviceID)
        var buffer = context.channel.allocator.buffer(capacity: 64)
        nextSeq &+= 1
        BenchFrames.write(to: &buffer, seq: nextSeq, command: .authToken, version: version, body: token.body())
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    // MARK: Sending

    /// Begins sending if this is a sender; returns whether it is one.
    func start(_ plan: SendPlan) -> Bool {
        guard spec.role.sends, loggedIn, let context else { return false }
        self.plan = plan
        sending = true
        switch plan.model {
        case .closed(let window):
            let now = BenchClock.now()
            var buffer = context.channel.allocator.buffer(capacity: window * (48 + plan.contentSize))
            for _ in 0..<window where canSendClosed(now: now) { writeMessage(to: &buffer, intended: now) }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            finishIfDone(now: now)
        case .open(let rate):
            let perSender = rate / Double(max(1, plan.senderCount))
            let phase = UInt64(Double(senderOrdinal) / Double(max(1, plan.senderCount)) * 1e9 / perSender)
            pacer = OpenLoopPacer(
                ratePerSecond: perSender,
                start: plan.start,
                phase: phase,
                end: plan.end,
                limit: plan.messagesPerSender
            )
        }
        return true
    }

    /// Sends what the open-loop pacer says is due; returns whether this sender still has more to send.
    func tick(now: UInt64) -> Bool {
        guard sending, var pacer, let context, let plan else { return false }
        let due = pacer.due(now: now, maxBatch: 1000)
        self.pacer = pacer
        if !due.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: due.count * (48 + plan.contentSize))
            for intended in due {
                shard.recordSend(intended: intended, now: now)
                writeMessage(to: &buffer, intended: intended)
            }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        if pacer.isFinished {
            stopSending()
            return false
        }
        return true
    }

    private func canSendClosed(now: UInt64) -> Bool {
        guard sending, let plan else { return false }
        if let limit = plan.messagesPerSender, Int(number) >= limit { return false }
        return now < plan.end
    }

    private func writeMessage(to buffer: inout ByteBuffer, intended: UInt64) {
        guard let plan else { return }
        let (command, receiver): (IMCommand, Int64)
        switch spec.role {
        case .idle: return
        case .sender(let uid): (command, receiver) = (.im, uid)
        case .groupSender(let group): (command, receiver) = (.groupIM, group)
        case .roomSender: (command, receiver) = (.roomIM, spec.room ?? 0)
        }
        nextSeq &+= 1
        BenchFrames.writeMessage(
            to: &buffer,
            seq: nextSeq,
            version: version,
            command: command,
            receiver: receiver,
            payload: BenchPayload(sender: spec.user.uid, number: number, sentAt: intended),
            contentSize: plan.contentSize
        )
        inFlight[nextSeq] = (number, intended)
        number &+= 1
        shard.live.sent.add(1, ordering: .relaxed)
    }

    private func finishIfDone(now: UInt64) {
        if sending, !canSendClosed(now: now) { stopSending() }
    }

    func stopSending() {
        guard sending else { return }
        sending = false
        shard.live.finishedSenders.add(1, ordering: .relaxed)
    }

    func ping(now: UInt64) {
        guard loggedIn, let context else { return }
        pings.append(now)
        var buffer = context.channel.allocator.buffer(capacity: 12)
        nextSeq &+= 1
        BenchFrames.write(to: &buffer, seq: nextSeq, command: .ping, version: version, body: ByteBuffer())
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    // MARK: Receiving

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.command {
        case .ack:
            let ack = IMMessageACK(body: frame.body, version: frame.version)
            guard let sent = inFlight.removeValue(forKey: ack.seq) else { return }
            let now = BenchClock.now()
            if ack.status == .success {
                acked.insert(sent.number)
                shard.live.acked.add(1, ordering: .relaxed)
                shard.record(.ack, started: sent.intended, now: now)
            } else {
                shard.live.refused.add(1, ordering: .relaxed)
                shard.countError("message refused with ACK status \(ack.status.rawValue)")
            }
            if case .closed = plan?.model, canSendClosed(now: now) {
                if pending == nil { pending = context.channel.allocator.buffer(capacity: 256) }
                writeMessage(to: &pending!, intended: now)
            } else {
                finishIfDone(now: now)
            }
        case .im, .groupIM, .roomIM:
            // Room messages are never stored, so they carry no PUSH flag; the others must.
            guard frame.command == .roomIM || frame.flags.contains(.push),
                let content = BenchFrames.content(
                    ofMessageBody: frame.body,
                    version: frame.version,
                    command: frame.command
                ),
                let payload = BenchPayload(content: content)
            else { return }
            let now = BenchClock.now()
            let outcome = receipts[payload.sender, default: StreamReceipts()].receive(payload.number)
            switch outcome {
            case .inOrder, .reordered:
                shard.live.delivered.add(1, ordering: .relaxed)
                shard.record(.delivery, started: payload.sentAt, now: now)
                shard.recordSpan(sender: payload.sender, number: payload.number, sentAt: payload.sentAt, now: now)
            case .duplicate:
                break
            }
        case .authStatus:
            let status = frame.body.getInteger(at: frame.body.readerIndex, as: Int32.self) ?? -1
            let now = BenchClock.now()
            guard status == 0 else {
                shard.countError("login refused (status \(status))")
                completeReady(
                    .failure(BenchError(.provision, "uid \(spec.user.uid): login refused (status \(status))"))
                )
                closing = true
                context.close(promise: nil)
                return
            }
            version = frame.version
            loggedIn = true
            shard.record(.auth, started: authSentAt, now: now)
            shard.live.authenticated.add(1, ordering: .relaxed)
            if let room = spec.room {
                // Ready once the server has handled the entry: the PONG of a PING written after it.
                enteringRoom = true
                var buffer = context.channel.allocator.buffer(capacity: 32)
                nextSeq &+= 1
                BenchFrames.write(
                    to: &buffer,
                    seq: nextSeq,
                    command: .enterRoom,
                    version: version,
                    body: IMScalarBody.int64(room)
                )
                nextSeq &+= 1
                BenchFrames.write(to: &buffer, seq: nextSeq, command: .ping, version: version, body: ByteBuffer())
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            } else {
                completeReady(.success(()))
            }
        case .pong:
            if enteringRoom {
                enteringRoom = false
                completeReady(.success(()))
            } else if let sentAt = pings.popFirst() {
                shard.record(.ping, started: sentAt, now: BenchClock.now())
            }
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let buffer = pending {
            pending = nil
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !closing {
            shard.countError(loggedIn ? "connection closed by the server" : "connection closed before login")
            shard.live.closedConnections.add(1, ordering: .relaxed)
        }
        completeReady(.failure(BenchError(.connect, "uid \(spec.user.uid): the connection closed before login")))
        stopSending()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shard.countError("connection error: \(BenchError.describe(error))")
        context.close(promise: nil)
    }

    private func completeReady(_ result: Result<Void, any Error>) {
        guard !readyDone else { return }
        readyDone = true
        ready.completeWith(result)
    }

    /// Marks the coming close as ours (end of run), so it is not counted as an error.
    func prepareToClose() {
        closing = true
    }

    func result() -> ConnectionResult {
        ConnectionResult(
            index: spec.index,
            sent: Int(number),
            acked: acked,
            unacked: inFlight.count,
            receipts: receipts
        )
    }
}

@available(*, unavailable)
extension BenchConnection: Sendable {}
