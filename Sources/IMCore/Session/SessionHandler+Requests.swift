import NIOCore

extension SessionHandler {
    /// Carries out a logged-in client's request.
    func serve(_ request: SessionStateMachine.Request, _ identity: SessionIdentity) {
        let messages = server.messages
        switch request {
        case .peerMessage(let message, let seq, let flags):
            send(.peer(message, flags: flags), seq: seq, identity)
        case .groupMessage(let message, let seq, let flags):
            send(.group(message, flags: flags), seq: seq, identity)
        case .customerMessage(let message, let seq, let flags):
            send(.customer(message, flags: flags), seq: seq, identity)
        case .realtime(let message):
            messages.sendRealtime(message, from: origin(identity))
        case .sync, .syncGroup:
            machine.beginSync()
            startSync(request, identity)
        case .syncKey(let key):
            server.directory.setSyncKeyIfLarger(identity.user, key)
        case .groupSyncKey(let group, let key):
            server.directory.setGroupSyncKeyIfLarger(identity.user, groupID: group, key)
        case .unreadCount(let count):
            server.directory.setUnreadCount(identity.user, count)
        case .enterRoom(let room):
            enterRoom(room, identity)
        case .leaveRoom(let room):
            if self.room?.roomID == room { leaveRoom() }
        case .roomMessage(let message, let seq):
            sendRoomMessage(message, seq: seq, identity)
        }
    }

    func origin(_ identity: SessionIdentity) -> MessageOrigin {
        MessageOrigin(session: SendingSession(user: identity.user, deviceID: identity.deviceID, sessionID: sessionID))
    }

    /// ACKs a refused or failed message: a `MessageRefusal`'s status, otherwise 68 (only v2 clients have
    /// a status; older ones get no ACK).
    func refuse(seq: Int32, error: any Error, _ identity: SessionIdentity) {
        server.counters.refusedMessages.add()
        let status: IMMessageACK.Status
        if let refusal = error as? MessageRefusal {
            logger.debug("\(peer): message \(seq) \(refusal)")
            status = refusal.status
        } else {
            status = .serverError
        }
        if identity.version >= 2 { send(.ack(seq: seq, status: status)) }
    }

    /// Hands a stored kind of message to the message service; once it is stored, METADATA (the sender's
    /// own entry) + ACK, or the refusal's status.
    private func send(_ message: OutgoingMessage, seq: Int32, _ identity: SessionIdentity) {
        guard let context, let bound = loopBound else { return }
        pendingMessages += 1
        // The service completes on the loop it is given, this session's: no hop (and no closure) on the way back.
        server.messages.send(message, from: origin(identity), on: context.eventLoop) { result in
            bound.value.answer(result, seq: seq, identity)
        }
    }

    private func answer(_ result: Result<MessageReceipt, any Error>, seq: Int32, _ identity: SessionIdentity) {
        pendingMessages -= 1
        switch result {
        case .success(let receipt):
            if let entry = receipt.entry { send(.metadata(id: entry.id, previousID: entry.previousID)) }
            send(.ack(seq: seq, flags: receipt.ackFlags))
        case .failure(let error):
            refuse(seq: seq, error: error, identity)
        }
        scheduleFlush()
        // Frames may wait for this answer (`maxPendingMessages`).
        if readingPaused || reader.bufferedBytes > 0 { readFrames() }
    }
}
