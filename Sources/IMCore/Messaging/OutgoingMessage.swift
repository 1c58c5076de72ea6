import NIOCore

/// A message to store and deliver, of every kind the server stores (PROTOCOL.md §3, §5, §6).
package enum OutgoingMessage: Sendable {
    /// `MSG_IM`: stored in the receiver's and the sender's queue.
    case peer(IMMessage, flags: IMMessageFlags)
    /// `MSG_GROUP_IM`: to a normal group (every member's queue) or a super group (its queue).
    case group(IMMessage, flags: IMMessageFlags)
    /// `MSG_CUSTOMER_V2`: across apps, one of which is the customer-service app (`kefu_appid`).
    case customer(IMCustomerMessage, flags: IMMessageFlags)
    /// `MSG_SYSTEM` (admin API): stored once for every receiver's queue; receivers get a notify.
    case system(ByteBuffer, appID: Int64, receivers: [Int64])
    /// `MSG_GROUP_NOTIFICATION` (admin API) for `members` of `group`; they get a notify.
    case groupNotification(ByteBuffer, group: GroupInfo, members: [Int64])
}

extension IMMessage {
    /// The body the store keeps (version 2), with `content` re-pointed into it: what is kept of the
    /// message for its delivery (a pending append, a push held for a recipient that does not read) then
    /// holds these bytes only, never the whole buffer its frame was read into (a slice of a 64 KiB read;
    /// a thousand held pushes would hold gigabytes), and without a copy of its own.
    mutating func storedBody() -> ByteBuffer {
        let body = body(version: 2)
        let length = content.readableBytes
        content = body.getSlice(at: body.writerIndex - length, length: length)!
        return body
    }
}

/// What the sender is told once its message is stored.
package struct MessageReceipt: Sendable {
    /// The sender's own entry (its `METADATA`); nil when it has none (admin posts, system messages).
    package var entry: QueueEntry?
    /// The flags of the sender's `ACK` (`SUPER_GROUP` for a super group's message).
    package var ackFlags: IMMessageFlags
}
