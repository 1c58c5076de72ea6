import NIOCore

extension ServerCore {
    /// Relays a room message (`MSG_ROOM_IM`, reference §6.1) to every connection in the room except the
    /// sender's own device; not stored, no METADATA. Returns how many connections it went to.
    ///
    /// The caller has checked that a client sender is in the room and may speak.
    @discardableResult
    package func sendRoomMessage(_ message: IMRealtimeMessage, appID: Int64, from origin: MessageOrigin) -> Int {
        counters.inMessages.add()
        let room = RoomRegistry.RoomKey(appID: appID, roomID: message.receiver)
        let push = Push([.raw(.roomIM, message.body())])
        let skip = origin.exclusion
        var deliveries: [(SessionRegistry.Entry, Push)] = []
        for member in rooms.members(of: room) {
            if member.uid == origin.user.uid, let skip, skip.excludes(member.entry) { continue }
            deliveries.append((member.entry, push))
        }
        SessionRegistry.dispatch(deliveries)
        return deliveries.count
    }
}
