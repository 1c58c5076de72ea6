import NIOCore

extension SessionHandler {
    /// `MSG_ENTER_ROOM` (PROTOCOL.md §6.1): a connection is in at most one room, so entering one leaves
    /// the previous; entering the room it is in does nothing.
    func enterRoom(_ roomID: Int64, _ identity: SessionIdentity) {
        let key = RoomKey(appID: identity.appID, roomID: roomID)
        guard room != key, let loopBound else { return }
        leaveRoom()
        room = key
        let session = SessionEntry(
            id: sessionID,
            deviceID: identity.deviceID,
            platform: identity.platform,
            handler: loopBound
        )
        server.bus.enter(key, RoomMember(uid: identity.uid, session: session))
    }

    /// Leaves the current room, if any (`MSG_LEAVE_ROOM` for it, or the connection closing).
    func leaveRoom() {
        guard let room else { return }
        self.room = nil
        server.bus.leave(room, sessionID: sessionID)
    }

    /// `MSG_ROOM_IM`: relayed to the room if it is this connection's room and the user may speak, then
    /// ACKed (no METADATA: room messages are not stored). Refused with 64 when the connection is not in
    /// that room and 66 when the user is speak-forbidden (GoBelieve drops both silently).
    func sendRoomMessage(_ message: IMRealtimeMessage, seq: Int32, _ identity: SessionIdentity) {
        guard room?.roomID == message.receiver else {
            refuse(seq: seq, error: MessageRefusal(.notGroupMember, "not in room \(message.receiver)"), identity)
            return
        }
        guard let loop else { return }
        let messages = server.messages
        let origin = origin(identity)
        messages.checkSpeaking(identity.user) { checked in
            loop.run { handler in
                switch checked {
                case .success:
                    messages.sendRoomMessage(message, appID: identity.appID, from: origin)
                    handler.send(.ack(seq: seq))
                case .failure(let error):
                    handler.refuse(seq: seq, error: error, identity)
                }
                handler.scheduleFlush()
            }
        }
    }
}
