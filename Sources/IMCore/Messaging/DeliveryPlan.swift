/// Everything a message's kind decides before it is stored: what to store in which queues, who gets
/// which entry, what the sender's ACK carries and who may get an offline push. `MessageService` carries
/// every plan out the same way: append, then deliver.
///
/// A class: the plan is handed from the policy to the store's completion and on to the event loop, and
/// each hand-off then retains one reference instead of copying every field.
final class DeliveryPlan: Sendable {
    /// What the store keeps, once.
    let message: NewMessage
    /// The queues it gets an entry in, in order.
    let queues: [QueueID]
    /// The frame recipients are pushed (with `realtime`), or only told about by a notify.
    let frame: OutboundFrame
    let realtime: Bool
    /// Who gets a copy, and of which entry (an index into `queues`).
    let recipients: [Delivery.Recipient]
    let exclusion: SendingSession?
    /// The receivers the offline push hook considers; nil for kinds it does not push.
    let offline: OfflinePushMessage?
    /// The sender's own entry (an index into `queues`), if it has one.
    let senderEntry: Int?
    let ackFlags: IMMessageFlags
    /// What the message is, for a failure's log line ("a peer message from 7/1 to 7/2").
    let summary: Summary

    init(
        message: NewMessage,
        queues: [QueueID],
        frame: OutboundFrame,
        realtime: Bool,
        recipients: [Delivery.Recipient],
        exclusion: SendingSession? = nil,
        offline: OfflinePushMessage? = nil,
        senderEntry: Int? = nil,
        ackFlags: IMMessageFlags = [],
        summary: Summary
    ) {
        self.message = message
        self.queues = queues
        self.frame = frame
        self.realtime = realtime
        self.recipients = recipients
        self.exclusion = exclusion
        self.offline = offline
        self.senderEntry = senderEntry
        self.ackFlags = ackFlags
        self.summary = summary
    }

    /// The parts of a failure's log line, kept as values: the line is written only if the append fails.
    enum Summary: Sendable, CustomStringConvertible {
        case peer(from: UserKey, to: UserKey)
        case customer(from: UserKey, to: UserKey)
        case system(users: Int, appID: Int64)
        case notification(group: Int64)
        case group(from: UserKey, group: Int64)

        var description: String {
            switch self {
            case .peer(let sender, let receiver): "a peer message from \(sender) to \(receiver)"
            case .customer(let sender, let receiver): "a customer message from \(sender) to \(receiver)"
            case .system(let users, let appID): "a system message to \(users) users of app \(appID)"
            case .notification(let group): "a notification to group \(group)"
            case .group(let sender, let group): "a message from \(sender) to group \(group)"
            }
        }
    }
}
