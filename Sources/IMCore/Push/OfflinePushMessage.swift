import NIOCore

/// A stored message as the offline push hook sees it: what `MessageService.pushOffline(_:)` takes from the
/// routing code once the message is durable.
///
/// One value per stored message, listing every user it reached; the hook picks out those who are not
/// online (PROTOCOL.md §2.1 step 6) and makes the jobs, one per receiver, or one per message for groups
/// (GoBelieve's queues, PROTOCOL.md §9):
///
/// | kind | queue | job |
/// |---|---|---|
/// | `.peer` | `push_queue` | `{"appid","sender","receiver","content"}` |
/// | `.group(id:)` | `group_push_queue` | `{"appid","sender","receivers":[...],"content","group_id"}` |
/// | `.system` | `system_push_queue` | `{"appid","receiver","content"}` |
/// | `.customer(...)` | `customer_push_queue_v2` | `{"appid","sender_appid","sender","receiver_appid","receiver","content"}` |
package struct OfflinePushMessage: Sendable {
    /// Which of GoBelieve's push queues the message's jobs go to, with what only that kind has.
    package enum Kind: Sendable, Equatable {
        /// `MSG_IM`, client-sent or `/post_peer_message`: the receivers are the one receiver.
        case peer
        /// `MSG_GROUP_IM` to normal or super group `id`: the receivers are the members (the sender is
        /// skipped if listed).
        case group(id: Int64)
        /// `MSG_SYSTEM` from `/post_system_message`: the sender is 0.
        case system
        /// `MSG_CUSTOMER_V2`: a message across apps. `appID` is the receiver's app (`receiverAppID`), and
        /// the receivers are users of that app.
        case customer(senderAppID: Int64, receiverAppID: Int64)
    }

    package var kind: Kind
    /// The app of the receivers (for `.customer`, the receiver's app).
    package var appID: Int64
    /// The sender's uid (0 for system messages).
    package var sender: Int64
    /// Everyone the message was stored for, online or not; duplicates are ignored.
    package var receivers: [Int64]
    /// The message content as the client sent it (UTF-8 JSON for GoBelieve's SDKs), copied into the job's
    /// `"content"` string.
    package var content: ByteBuffer

    package init(kind: Kind, appID: Int64, sender: Int64, receivers: [Int64], content: ByteBuffer) {
        self.kind = kind
        self.appID = appID
        self.sender = sender
        self.receivers = receivers
        self.content = content
    }
}
