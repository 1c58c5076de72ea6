import Foundation
import NIOCore

/// What one node tells another through `NOTIFY` (the payload, at most `maxBytes`): deliveries to users
/// that have sessions on the target node, room relays and kicks, each with the frame in a
/// version-independent form when it is small enough to travel.
///
/// A stored message's frame travels too (not only its queue and key) when it fits: the target node then
/// pushes it without reading the database, whose CPU is the cluster's limit. When it does not fit, the
/// target's sessions get the notify alone (`MSG_SYNC_NOTIFY`) and fetch the message by sync. A frame that
/// is not stored (a real-time message, a notification, a room message) and does not fit is not carried:
/// those are best effort on one node too (a session that does not read drops them).
///
/// **Payload**: text lines, written and read by hand (a general JSON coder took a third of a node's CPU
/// under cross-node load). The first line is `v1|ID|SENT`; each further line is one item,
/// `KIND|FRAME|ENTRIES|REALTIME|RECIPIENTS|EXCLUSION|TARGET|DEVICE|REASON`: an absent field is empty, an
/// integer list is `=` and its numbers with `,` (lists of lists joined by `;`), the frame and the reason
/// are base64. A line this node cannot read is skipped; a payload without the header is dropped.
struct BusNotification: Sendable {
    /// The most a payload may take: PostgreSQL refuses payloads of 8000 bytes or more.
    static let maxBytes = 7900
    /// The most a frame may take (before base64) to travel.
    static let maxFrameBytes = 4096

    /// Unique per notification: the sending node and its counter.
    var id: String
    /// When it was sent (Unix seconds), for the bus lag.
    var sent: Double
    var items: [Item]

    struct Item: Sendable {
        enum Kind: String, Sendable {
            case delivery = "d"
            case room = "r"
            case kick = "k"
        }

        var kind: Kind
        /// The frame (`BusFrame`), base64.
        var frame: String?
        /// Stored entries: `[kind, appid, owner, key, previous key]`.
        var entries: [[Int64]]?
        var realtime: Bool?
        /// Recipients: `[appid, uid, entry index]`.
        var recipients: [[Int64]]?
        /// The sending session's `[appid, uid, device]` (device 0's sessions are on the sending node only).
        var exclusion: [Int64]?
        /// A room `[appid, room]`, or a kicked user `[appid, uid]` and device.
        var target: [Int64]?
        var device: Int64?
        var reason: String?

        /// The item's line (without the newline).
        var line: String {
            func list(_ numbers: [Int64]?) -> String {
                numbers.map { "=" + $0.map(String.init).joined(separator: ",") } ?? ""
            }
            func lists(_ rows: [[Int64]]?) -> String {
                rows.map { "=" + $0.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";") } ?? ""
            }
            let fields = [
                kind.rawValue, frame ?? "", lists(entries), realtime.map { $0 ? "1" : "0" } ?? "", lists(recipients),
                list(exclusion), list(target), device.map(String.init) ?? "",
                reason.map { Data($0.utf8).base64EncodedString() } ?? "",
            ]
            return fields.joined(separator: "|")
        }

        /// The item of `line`; nil if it is not one.
        init?(line: Substring) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count == 9, let kind = Kind(rawValue: String(fields[0])) else { return nil }
            func numbers(_ text: Substring) -> [Int64]? {
                var numbers: [Int64] = []
                for number in text.split(separator: ",") {
                    guard let number = Int64(number) else { return nil }
                    numbers.append(number)
                }
                return numbers
            }
            // Absent (.some(nil)), present, or not a list at all (nil).
            func list(_ field: Substring) -> [Int64]?? {
                guard !field.isEmpty else { return .some(nil) }
                guard field.first == "=", let numbers = numbers(field.dropFirst()) else { return nil }
                return .some(numbers)
            }
            func lists(_ field: Substring) -> [[Int64]]?? {
                guard !field.isEmpty else { return .some(nil) }
                guard field.first == "=" else { return nil }
                var rows: [[Int64]] = []
                for row in field.dropFirst().split(separator: ";") {
                    guard let numbers = numbers(row) else { return nil }
                    rows.append(numbers)
                }
                return .some(rows)
            }
            guard case .some(let entries) = lists(fields[2]), case .some(let recipients) = lists(fields[4]),
                case .some(let exclusion) = list(fields[5]), case .some(let target) = list(fields[6])
            else { return nil }
            self.kind = kind
            self.frame = fields[1].isEmpty ? nil : String(fields[1])
            self.entries = entries
            switch fields[3] {
            case "": realtime = nil
            case "1": realtime = true
            case "0": realtime = false
            default: return nil
            }
            self.recipients = recipients
            self.exclusion = exclusion
            self.target = target
            if fields[7].isEmpty {
                device = nil
            } else {
                guard let device = Int64(fields[7]) else { return nil }
                self.device = device
            }
            if fields[8].isEmpty {
                reason = nil
            } else {
                guard let data = Data(base64Encoded: String(fields[8])) else { return nil }
                reason = String(decoding: data, as: UTF8.self)
            }
        }

        /// Only the recipients at `indexes`, with only the entries they name (renumbered): a node's share of
        /// a delivery, or a part small enough to travel.
        func narrowed(to indexes: some Sequence<Int>) -> Item {
            guard let recipients else { return self }
            var part = self
            var renumbered: [Int64: Int64] = [:]
            var kept: [[Int64]] = []
            part.recipients = indexes.map { index in
                var recipient = recipients[index]
                if let entries, recipient.count == 3, let old = Int(exactly: recipient[2]), entries.indices.contains(old) {
                    if let new = renumbered[recipient[2]] {
                        recipient[2] = new
                    } else {
                        renumbered[recipient[2]] = Int64(kept.count)
                        recipient[2] = Int64(kept.count)
                        kept.append(entries[old])
                    }
                }
                return recipient
            }
            if entries != nil { part.entries = kept }
            return part
        }

        init(
            kind: Kind,
            frame: String? = nil,
            entries: [[Int64]]? = nil,
            realtime: Bool? = nil,
            recipients: [[Int64]]? = nil,
            exclusion: [Int64]? = nil,
            target: [Int64]? = nil,
            device: Int64? = nil,
            reason: String? = nil
        ) {
            self.kind = kind
            self.frame = frame
            self.entries = entries
            self.realtime = realtime
            self.recipients = recipients
            self.exclusion = exclusion
            self.target = target
            self.device = device
            self.reason = reason
        }
    }

    /// The header line: the id without the separators it may not hold.
    var header: String {
        let id = String(id.map { $0 == "|" || $0 == "\n" ? "_" : $0 })
        return "v1|\(id)|\(sent)"
    }

    /// A payload of a header and already encoded item lines.
    static func payload(header: String, lines: [String]) -> String {
        ([header] + lines).joined(separator: "\n")
    }

    func encoded() -> String {
        Self.payload(header: header, lines: items.map(\.line))
    }

    static func decode(_ payload: String) -> BusNotification? {
        var lines = payload.split(separator: "\n")[...]
        guard let header = lines.popFirst() else { return nil }
        let fields = header.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == "v1", let sent = Double(fields[2]) else { return nil }
        return BusNotification(id: String(fields[1]), sent: sent, items: lines.compactMap(Item.init(line:)))
    }
}

/// An `OutboundFrame` as bytes that do not depend on a connection's protocol version: command, flags, and
/// the body (raw bytes, or a message in its v2 layout).
enum BusFrame {
    static func encode(_ frame: OutboundFrame) -> String? {
        var buffer = ByteBuffer()
        buffer.writeInteger(frame.command.rawValue)
        buffer.writeInteger(frame.flags.rawValue)
        switch frame.body {
        case .raw(let bytes):
            buffer.writeInteger(UInt8(0))
            buffer.writeImmutableBuffer(bytes)
        case .message(let message):
            buffer.writeInteger(UInt8(1))
            message.write(to: &buffer, version: 2)
        case .ack, .metadata, .int64:
            return nil
        }
        guard buffer.readableBytes <= BusNotification.maxFrameBytes else { return nil }
        return Data(buffer.readableBytesView).base64EncodedString()
    }

    static func decode(_ text: String) -> OutboundFrame? {
        guard let data = Data(base64Encoded: text) else { return nil }
        var buffer = ByteBuffer(bytes: data)
        guard let command = buffer.readInteger(as: UInt8.self), let flags = buffer.readInteger(as: UInt8.self),
            let kind = buffer.readInteger(as: UInt8.self)
        else { return nil }
        let imCommand = IMCommand(rawValue: command)
        let imFlags = IMMessageFlags(rawValue: flags)
        switch kind {
        case 0: return OutboundFrame(command: imCommand, flags: imFlags, body: .raw(buffer))
        case 1:
            guard let message = try? IMMessage(body: buffer, version: 2, command: imCommand) else { return nil }
            return OutboundFrame(command: imCommand, flags: imFlags, body: .message(message))
        default: return nil
        }
    }
}
