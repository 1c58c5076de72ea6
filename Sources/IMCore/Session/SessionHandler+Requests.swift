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
        guard let context, let loopBound else { return }
        core.sendPeerMessage(message, flags: flags, from: origin(identity), on: context.eventLoop).whenComplete {
            result in
            let handler = loopBound.value
            switch result {
            case .success(let receipt):
                let (id, previousID) = receipt[1]
                handler.send(.metadata(id: id, previousID: previousID))
                handler.send(.ack(seq: seq))
            case .failure(let error):
                handler.refuse(seq: seq, error: error, identity)
            }
            handler.scheduleFlush()
        }
    }

    private func sendGroupMessage(_ message: IMMessage, seq: Int32, flags: IMMessageFlags, _ identity: SessionIdentity)
    {
        guard let context, let loopBound else { return }
        core.sendGroupMessage(message, flags: flags, from: origin(identity), on: context.eventLoop).whenComplete {
            result in
            let handler = loopBound.value
            switch result {
            case .success(let receipt):
                handler.send(.metadata(id: receipt.id, previousID: receipt.previousID))
                handler.send(.ack(seq: seq, flags: receipt.isSuper ? .superGroup : []))
            case .failure(let error):
                handler.refuse(seq: seq, error: error, identity)
            }
            handler.scheduleFlush()
        }
    }

    private func sendCustomerMessage(
        _ message: IMCustomerMessage,
        seq: Int32,
        flags: IMMessageFlags,
        _ identity: SessionIdentity
    ) {
        guard let context, let loopBound else { return }
        core.sendCustomerMessage(message, flags: flags, from: origin(identity), on: context.eventLoop).whenComplete {
            result in
            let handler = loopBound.value
            switch result {
            case .success(let receipt):
                let (id, previousID) = receipt[1]
                handler.send(.metadata(id: id, previousID: previousID))
                handler.send(.ack(seq: seq))
            case .failure(let error):
                handler.refuse(seq: seq, error: error, identity)
            }
            handler.scheduleFlush()
        }
    }
}
