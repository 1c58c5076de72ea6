/// A real-time copy of a message for one recipient session: its frames go out together or, when the
/// recipient is not reading and its queue is full, are dropped together (the client catches up by sync).
package struct MessageCopy: Sendable {
    package var frames: [OutboundFrame]
    /// The stored entry the copy announces, if any: a session that has just synced that queue past it
    /// drops the copy instead of sending the message twice.
    package var entry: QueueEntry?

    package init(_ frames: [OutboundFrame], entry: QueueEntry? = nil) {
        self.frames = frames
        self.entry = entry
    }

    /// A stored entry's copy: METADATA{key, previous key} + `frame` + the queue's notify
    /// (`MSG_SYNC_NOTIFY{key}`, or `MSG_SYNC_GROUP_NOTIFY{gid, key}` for a super group's queue); with
    /// `realtime: false` the notify alone (the client fetches the message by sync).
    package static func stored(_ frame: OutboundFrame, entry: QueueEntry, realtime: Bool) -> MessageCopy {
        let notify: OutboundFrame =
            switch entry.queue.kind {
            case .personal: .syncKey(.syncNotify, entry.id)
            case .group: .groupSyncKey(.syncGroupNotify, groupID: entry.queue.ownerID, key: entry.id)
            }
        guard realtime else { return MessageCopy([notify], entry: entry) }
        return MessageCopy([.metadata(id: entry.id, previousID: entry.previousID), frame, notify], entry: entry)
    }
}
