/// A real-time copy of a message for one recipient session: its frames go out together or, when the
/// recipient is not reading and its queue is full, are dropped together (the client catches up by sync).
///
/// A value without storage of its own: a stored entry's frames (METADATA, the message, the notify) are
/// made as they are written, so a fan-out to 500 members builds no array per member.
package struct MessageCopy: Sendable {
    /// The message's frame (for a stored entry sent without it, `realtime` is false).
    private let frame: OutboundFrame
    private let realtime: Bool
    /// The stored entry the copy announces, if any: a session that has just synced that queue past it
    /// drops the copy instead of sending the message twice.
    package let entry: QueueEntry?

    /// A copy of `frame` as it is (nothing stored: real-time messages, rooms, notifications).
    package init(_ frame: OutboundFrame) {
        self.frame = frame
        self.realtime = true
        self.entry = nil
    }

    private init(_ frame: OutboundFrame, entry: QueueEntry, realtime: Bool) {
        self.frame = frame
        self.realtime = realtime
        self.entry = entry
    }

    /// A stored entry's copy: METADATA{key, previous key} + `frame` + the queue's notify
    /// (`MSG_SYNC_NOTIFY{key}`, or `MSG_SYNC_GROUP_NOTIFY{gid, key}` for a super group's queue); with
    /// `realtime: false` the notify alone (the client fetches the message by sync).
    package static func stored(_ frame: OutboundFrame, entry: QueueEntry, realtime: Bool) -> MessageCopy {
        MessageCopy(frame, entry: entry, realtime: realtime)
    }

    /// Calls `body` with each frame of the copy, in order.
    package func forEachFrame(_ body: (OutboundFrame) -> Void) {
        guard let entry else { return body(frame) }
        if realtime {
            body(.metadata(id: entry.id, previousID: entry.previousID))
            body(frame)
        }
        switch entry.queue.kind {
        case .personal: body(.syncKey(.syncNotify, entry.id))
        case .group: body(.groupSyncKey(.syncGroupNotify, groupID: entry.queue.ownerID, key: entry.id))
        }
    }
}
