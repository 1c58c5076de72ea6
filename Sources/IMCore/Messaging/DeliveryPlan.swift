/// Everything a message's kind decides before it is stored: what to store in which queues, who gets
/// which entry, what the sender's ACK carries and who may get an offline push. `MessageService` carries
/// every plan out the same way: append, then deliver.
struct DeliveryPlan: Sendable {
    /// What the store keeps, once.
    var message: NewMessage
    /// The queues it gets an entry in, in order.
    var queues: [QueueID]
    /// The frame recipients are pushed (with `realtime`), or only told about by a notify.
    var frame: OutboundFrame
    var realtime: Bool
    /// Who gets a copy, and of which entry (an index into `queues`).
    var recipients: [Delivery.Recipient]
    var exclusion: SendingSession?
    /// The receivers the offline push hook considers; nil for kinds it does not push.
    var offline: OfflinePushMessage?
    /// The sender's own entry (an index into `queues`), if it has one.
    var senderEntry: Int?
    var ackFlags: IMMessageFlags = []
    /// What the message is, for a failure's log line ("a peer message from 7/1 to 7/2").
    var summary: String
}
