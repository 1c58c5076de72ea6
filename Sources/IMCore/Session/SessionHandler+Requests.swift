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
        case .groupMessage(_, let seq, _):
            // No groups exist until the directory has them (groups issue): "no such group".
            core.counters.inMessages.add()
            refuse(seq: seq, .groupNonexistent, identity)
        case .syncGroup:
            // Like GoBelieve, a sync for a group the server does not know is ignored.
            break
        case .enterRoom, .leaveRoom, .roomMessage, .customerMessage:
            // Rooms and customer-service messages arrive with the groups issue; until then these are
            // accepted and ignored, as GoBelieve does for commands it has no handler for.
            break
        }
    }

    func origin(_ identity: SessionIdentity) -> MessageOrigin {
        MessageOrigin(user: identity.user, deviceID: identity.deviceID, sessionID: sessionID)
    }

    func refuse(seq: Int32, _ status: IMMessageACK.Status, _ identity: SessionIdentity) {
        core.counters.refusedMessages.add()
        if identity.version >= 2 { send(.ack(seq: seq, status: status)) }
    }

    private func sendPeerMessage(_ message: IMMessage, seq: Int32, flags: IMMessageFlags, _ identity: SessionIdentity) {
        guard let context, let loopBound else { return }
        core.sendPeerMessage(message, flags: flags, from: origin(identity), on: context.eventLoop) { result in
            let handler = loopBound.value
            switch result {
            case .success(let receipt):
                let (id, previousID) = receipt[1]
                handler.send(.metadata(id: id, previousID: previousID))
                handler.send(.ack(seq: seq))
            case .failure:
                handler.refuse(seq: seq, .serverError, identity)
            }
            handler.scheduleFlush()
        }
    }
}
