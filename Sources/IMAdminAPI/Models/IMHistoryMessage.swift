/// A stored message as GoBelieve's history endpoints return it (`/load_latest_message`,
/// `/load_history_message`): peer and group messages, and customer-service messages with their apps.
public struct IMHistoryMessage: Codable, Sendable, Equatable {
    /// The message's key in the user's queue (its sync key).
    public var id: UInt64
    /// The command number (`MSG_IM` 4, `MSG_GROUP_IM` 8, `MSG_CUSTOMER_V2` 64).
    public var command: Int
    public var sender: Int64
    public var receiver: Int64
    /// Unix seconds.
    public var timestamp: Int
    /// The message content as text.
    public var content: String
    /// Customer-service messages only: the sender's and the receiver's apps.
    public var senderAppID: Int64?
    public var receiverAppID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, command, sender, receiver, timestamp, content
        case senderAppID = "sender_appid"
        case receiverAppID = "receiver_appid"
    }

    public init(
        id: UInt64,
        command: Int,
        sender: Int64,
        receiver: Int64,
        timestamp: Int,
        content: String,
        senderAppID: Int64? = nil,
        receiverAppID: Int64? = nil
    ) {
        self.id = id
        self.command = command
        self.sender = sender
        self.receiver = receiver
        self.timestamp = timestamp
        self.content = content
        self.senderAppID = senderAppID
        self.receiverAppID = receiverAppID
    }
}
