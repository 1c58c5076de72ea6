import Foundation
import NIOCore

/// What one node tells another through `NOTIFY` (the payload, JSON, at most `maxBytes`): deliveries to
/// users that have sessions on the target node, room relays and kicks, each with the frame in a
/// version-independent form when it is small enough to travel.
///
/// A stored message's frame travels too (not only its queue and key) when it fits: the target node then
/// pushes it without reading the database, whose CPU is the cluster's limit. When it does not fit, the
/// target's sessions get the notify alone (`MSG_SYNC_NOTIFY`) and fetch the message by sync. A frame that
/// is not stored (a real-time message, a notification, a room message) and does not fit is not carried:
/// those are best effort on one node too (a session that does not read drops them).
struct BusNotification: Codable, Sendable {
    /// The most a payload may take: PostgreSQL refuses payloads of 8000 bytes or more.
    static let maxBytes = 7900
    /// The most a frame may take (before base64) to travel.
    static let maxFrameBytes = 4096

    /// Unique per notification: the sending node and its counter.
    var id: String
    /// When it was sent (Unix seconds), for the bus lag.
    var sent: Double
    var items: [Item]

    struct Item: Codable, Sendable {
        enum Kind: String, Codable, Sendable {
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

        enum CodingKeys: String, CodingKey {
            case kind = "k"
            case frame = "f"
            case entries = "e"
            case realtime = "rt"
            case recipients = "r"
            case exclusion = "x"
            case target = "t"
            case device = "d"
            case reason = "why"
        }
    }

    func encoded() -> String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ payload: String) -> BusNotification? {
        try? JSONDecoder().decode(BusNotification.self, from: Data(payload.utf8))
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
