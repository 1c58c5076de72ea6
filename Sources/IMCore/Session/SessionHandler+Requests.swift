import NIOCore

extension SessionHandler {
    /// Carries out a logged-in client's request.
    func serve(_ request: SessionStateMachine.Request, _ identity: SessionIdentity) {
        switch request {
        case .peerMessage(let message, let seq, let flags):
            sendPeerMessage(message, seq: seq, flags: flags, identity)
        case .realtime(let message):
            core.sendRealtimeMessage(message, from: origin(identity))
        case .sync(let key):
            sync(requestKey: key, identity)
        case .syncKey(let key):
            core.directory.setSyncKeyIfLarger(identity.user, key)
        case .groupSyncKey(let group, let key):
            core.directory.setGroupSyncKeyIfLarger(identity.user, groupID: group, key)
        case .unreadCount(let count):
            core.directory.setUnreadCount(identity.user, count)
        case .groupMessage(let message, let seq, let flags):
            sendGroupMessage(message, seq: seq, flags: flags, identity)
        case .syncGroup(let group, let key):
            syncGroup(group, requestKey: key, identity)
        case .enterRoom(let room):
            enterRoom(room, identity)
        case .leaveRoom(let room):
            if self.room?.roomID == room { leaveRoom() }
        case .roomMessage(let message, let seq):
            sendRoomMessage(message, seq: seq, identity)
        case .customerMessage(let message, let seq, let flags):
            sendCustomerMessage(message, seq: seq, flags: flags, identity)
        }
    }

    func origin(_ identity: SessionIdentity) -> MessageOrigin {
        MessageOrigin(user: identity.user, deviceID: identity.deviceID, sessionID: sessionID)
    }

    func refuse(seq: Int32, _ status: IMMessageACK.Status, _ identity: SessionIdentity) {
        core.counters.refusedMessages.add()
        if identity.version >= 2 { send(.ack(seq: seq, status: status)) }
    }

    /// ACKs a refused or failed message: a `MessageRefusal`'s status, otherwise 68.
    func refuse(seq: Int32, error: any Error, _ identity: SessionIdentity) {
        if let refusal = error as? MessageRefusal {
            logger.debug("\(peer): message \(seq) \(refusal)")
            refuse(seq: seq, refusal.status, identity)
        } else {
            refuse(seq: seq, .serverError, identity)
        }
    }

    private func sendPeerMessage(_ message: IMMessage, seq: Int32, flags: IMMessageFlags, _ identity: SessionIdentity) {
        guard let context else { return }
        // The ACK's METADATA is the sender's own queue's entry (index 1). The callback form: no future
        // chain on the hot path.
        core.sendPeerMessage(
            message,
            flags: flags,
            from: origin(identity),
            on: context.eventLoop,
            completion: acknowledgement(seq: seq, identity) { ($0[1].id, $0[1].previousID, []) }
        )
    }

    private func sendGroupMessage(_ message: IMMessage, seq: Int32, flags: IMMessageFlags, _ identity: SessionIdentity)
    {
        guard let context else { return }
        core.sendGroupMessage(message, flags: flags, from: origin(identity), on: context.eventLoop).whenComplete(
            acknowledgement(seq: seq, identity) { ($0.id, $0.previousID, $0.isSuper ? .superGroup : []) }
        )
    }

    private func sendCustomerMessage(
        _ message: IMCustomerMessage,
        seq: Int32,
        flags: IMMessageFlags,
        _ identity: SessionIdentity
    ) {
        guard let context else { return }
        core.sendCustomerMessage(message, flags: flags, from: origin(identity), on: context.eventLoop).whenComplete(
            acknowledgement(seq: seq, identity) { ($0[1].id, $0[1].previousID, []) }
        )
    }

    /// What to do once a message is stored, as a completion to run on this session's loop:
    /// METADATA{id, previous} + ACK (with `flags`) as `receipt` picks them from the result; a refusal or
    /// failure gets its status instead.
    private func acknowledgement<Value: Sendable>(
        seq: Int32,
        _ identity: SessionIdentity,
        receipt: @escaping @Sendable (Value) -> (id: UInt64, previousID: UInt64, flags: IMMessageFlags)
    ) -> @Sendable (Result<Value, any Error>) -> Void {
        guard let loopBound else { return { _ in } }
        return { result in
            let handler = loopBound.value
            switch result {
            case .success(let value):
                let (id, previousID, flags) = receipt(value)
                handler.send(.metadata(id: id, previousID: previousID))
                handler.send(.ack(seq: seq, flags: flags))
            case .failure(let error):
                handler.refuse(seq: seq, error: error, identity)
            }
            handler.scheduleFlush()
        }
    }
}
