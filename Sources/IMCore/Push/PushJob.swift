import NIOCore

/// One offline push job on its way to the webhook: one entry of one of GoBelieve's push queues
/// (PROTOCOL.md §9), with the fields that queue's entries have.
///
/// Made on the event loop that stored the message (cheap: no encoding there); encoded to JSON by the
/// dispatcher when it writes the job to `push.sqlite`.
package struct PushJob: Sendable, Equatable {
    /// GoBelieve's Redis list names, used as the keys of a webhook batch.
    package enum Queue: String, Sendable, CaseIterable, Codable {
        case peer = "push_queue"
        case group = "group_push_queue"
        case system = "system_push_queue"
        case customer = "customer_push_queue_v2"
    }

    package var queue: Queue
    package var appID: Int64
    package var sender: Int64
    /// One receiver, or for group jobs the offline members.
    package var receivers: [Int64]
    package var content: ByteBuffer
    package var groupID: Int64 = 0
    package var senderAppID: Int64 = 0
    package var receiverAppID: Int64 = 0
    /// When the job was made, Unix milliseconds (for the oldest-job age and expiry).
    package var createdAt: Int64

    /// The jobs for `message`'s `offline` receivers: one per receiver, or one per group message listing
    /// them all (GoBelieve's queues, PROTOCOL.md §9).
    package static func jobs(for message: OfflinePushMessage, offline: [Int64], createdAt: Int64) -> [PushJob] {
        func job(_ queue: Queue, _ receivers: [Int64]) -> PushJob {
            PushJob(
                queue: queue,
                appID: message.appID,
                sender: message.sender,
                receivers: receivers,
                content: message.content,
                createdAt: createdAt
            )
        }
        switch message.kind {
        case .peer:
            return offline.map { job(.peer, [$0]) }
        case .system:
            return offline.map { job(.system, [$0]) }
        case .group(let groupID):
            var group = job(.group, offline)
            group.groupID = groupID
            return [group]
        case .customer(let senderAppID, let receiverAppID):
            return offline.map { uid in
                var customer = job(.customer, [uid])
                customer.senderAppID = senderAppID
                customer.receiverAppID = receiverAppID
                return customer
            }
        }
    }

    /// The job's JSON object, without the `"id"` the store assigns (`PushBatch` adds it in front).
    package func json() -> String {
        var out = "{\"appid\":\(appID)"
        switch queue {
        case .peer:
            out += ",\"sender\":\(sender),\"receiver\":\(receivers.first ?? 0)"
        case .group:
            out += ",\"sender\":\(sender),\"receivers\":[\(receivers.map(String.init).joined(separator: ","))]"
            out += ",\"group_id\":\(groupID)"
        case .system:
            out += ",\"receiver\":\(receivers.first ?? 0)"
        case .customer:
            out += ",\"sender_appid\":\(senderAppID),\"sender\":\(sender)"
            out += ",\"receiver_appid\":\(receiverAppID),\"receiver\":\(receivers.first ?? 0)"
        }
        out += ",\"content\":"
        JSONText.appendString(String(decoding: content.readableBytesView, as: UTF8.self), to: &out)
        return out + "}"
    }
}

/// Minimal JSON text writing for the push jobs: their fields must come in GoBelieve's order (a reader
/// comparing bodies, or a bridge that re-pushes them to Redis, sees the same text), which `JSONEncoder`
/// does not promise, and a batch of thousands is encoded with no reflection.
enum JSONText {
    /// Appends `text` as a JSON string literal (RFC 8259 escapes).
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
