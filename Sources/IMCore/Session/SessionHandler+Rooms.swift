import NIOCore

extension SessionHandler {
    /// `MSG_ENTER_ROOM` (reference §6.1): a connection is in at most one room, so entering one leaves
    /// the previous; entering the room it is in does nothing.
    func enterRoom(_ roomID: Int64, _ identity: SessionIdentity) {
        let key = RoomRegistry.RoomKey(appID: identity.appID, roomID: roomID)
        guard room != key, let loopBound else { return }
        leaveRoom()
        room = key
        let entry = SessionRegistry.Entry(
            id: sessionID,
            deviceID: identity.deviceID,
            platform: identity.platform,
            handler: loopBound
        )
        core.rooms.enter(key, RoomRegistry.Member(uid: identity.uid, entry: entry))
    }

    /// Leaves the current room, if any (`MSG_LEAVE_ROOM` for it, or the connection closing).
    func leaveRoom() {
        guard let room else { return }
        self.room = nil
        core.rooms.leave(room, sessionID: sessionID)
    }

    /// `MSG_ROOM_IM`: relayed to the room if it is this connection's room and the user may speak, then
    /// ACKed (no METADATA: room messages are not stored). Refused with 64 when the connection is not in
    /// that room and 66 when the user is speak-forbidden (GoBelieve drops both silently).
    func sendRoomMessage(_ message: IMRealtimeMessage, seq: Int32, _ identity: SessionIdentity) {
        guard room?.roomID == message.receiver else {
            refuse(seq: seq, .notGroupMember, identity)
            return
        }
        guard !core.directory.preferences(identity.user).forbidden else {
            refuse(seq: seq, .muted, identity)
            return
        }
        core.sendRoomMessage(message, appID: identity.appID, from: origin(identity))
        send(.ack(seq: seq))
    }
}
