import NIOCore

extension SessionHandler {
    /// Encodes `frame` for this connection (next seq, the connection's version) into the pending output.
    func encode(_ frame: OutboundFrame) {
        if output.capacity == 0 { output.reserveCapacity(512) }
        outboundSeq &+= 1
        frame.write(into: &output, seq: outboundSeq, version: machine.version)
        if frame.countsAsMessage { server.counters.outMessages.add() }
    }

    /// Sends a reply (AUTH_STATUS, PONG, ACK, sync pages): never dropped. A client that lets replies pile
    /// up past `maxPendingReplyBytes` without reading is disconnected.
    func send(_ frame: OutboundFrame) {
        guard !closed else { return }
        let before = output.writerIndex
        encode(frame)
        guard let context, !context.channel.isWritable else { return }
        unreadReplyBytes += output.writerIndex - before
        if unreadReplyBytes > server.configuration.session.maxPendingReplyBytes {
            server.counters.slowConsumersClosed.add()
            close(reason: "\(unreadReplyBytes) bytes of replies unread; it can catch up by sync")
        }
    }

    /// A real-time copy from another session (or this one). Held while a sync is being read (it goes
    /// after the sync's END) and while the client is not reading, then the oldest are dropped past the
    /// limit: the client catches up by sync.
    func deliver(_ copy: MessageCopy) {
        guard !closed, let context else { return }
        if context.channel.isWritable && heldCopies.isEmpty && !machine.isSyncing {
            copy.forEachFrame { encode($0) }
            scheduleFlush()
            return
        }
        heldCopies.append(copy)
        if heldCopies.count > server.configuration.session.maxQueuedPushes {
            heldCopies.removeFirst()
            server.counters.droppedPushes.add()
        }
    }

    /// Sends the held copies if the client reads and no sync is being read; with `synced` (a page of a
    /// queue just sent, up to a key), copies of entries of that queue up to that key are dropped: the page
    /// had them.
    func releaseHeldCopies(synced: (queue: QueueID, through: UInt64)? = nil) {
        guard let context, context.channel.isWritable, !machine.isSyncing, !heldCopies.isEmpty else { return }
        for copy in heldCopies {
            if let synced, let entry = copy.entry, entry.queue == synced.queue, entry.id <= synced.through { continue }
            copy.forEachFrame { encode($0) }
        }
        heldCopies = []
        flush()
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
}
