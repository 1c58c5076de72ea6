import NIOCore

/// A frame the server will send, before the connection stamps its seq and lays its body out in the
/// connection's protocol version (PROTOCOL.md §1.2, §1.6).
///
/// The same value goes to every recipient of a message; each connection encodes it for its own version.
package struct OutboundFrame: Sendable {
    package enum Body: Sendable {
        /// Bytes that do not depend on the version.
        case raw(ByteBuffer)
        /// An `MSG_IM`/`MSG_GROUP_IM` body: v0 has no timestamp.
        case message(IMMessage)
        /// An `MSG_ACK` body: v2 and later carry the status byte.
        case ack(IMMessageACK)
        /// An `MSG_METADATA` body, written straight into the connection's output (no buffer of its own:
        /// every stored message's copies carry one).
        case metadata(IMMetadata)
        /// A body that is one big-endian `i64` (`MSG_SYNC_NOTIFY` and the other sync keys), written
        /// straight into the connection's output.
        case int64(Int64)
    }

    package var command: IMCommand
    package var flags: IMMessageFlags
    package var body: Body

    package init(command: IMCommand, flags: IMMessageFlags = [], body: Body) {
        self.command = command
        self.flags = flags
        self.body = body
    }

    package static func raw(_ command: IMCommand, _ body: ByteBuffer, flags: IMMessageFlags = []) -> OutboundFrame {
        OutboundFrame(command: command, flags: flags, body: .raw(body))
    }

    package static func metadata(id: UInt64, previousID: UInt64) -> OutboundFrame {
        OutboundFrame(
            command: .metadata,
            body: .metadata(IMMetadata(syncKey: Int64(id), previousSyncKey: Int64(previousID)))
        )
    }

    package static func syncKey(_ command: IMCommand, _ key: UInt64) -> OutboundFrame {
        OutboundFrame(command: command, body: .int64(Int64(key)))
    }

    /// `MSG_SYNC_GROUP_BEGIN/END/NOTIFY{gid, key}`.
    package static func groupSyncKey(_ command: IMCommand, groupID: Int64, key: UInt64) -> OutboundFrame {
        .raw(command, IMScalarBody.pair(groupID, Int64(key)))
    }

    package static func ack(
        seq: Int32,
        status: IMMessageACK.Status = .success,
        flags: IMMessageFlags = []
    )
        -> OutboundFrame
    {
        OutboundFrame(command: .ack, flags: flags, body: .ack(IMMessageACK(seq: seq, status: status)))
    }

    /// Whether `/summary`'s `out_message_count` counts this frame (RT, IM, GROUP_IM, ROOM_IM).
    var countsAsMessage: Bool {
        command == .im || command == .groupIM || command == .rt || command == .roomIM
    }

    /// Writes the header (with `seq` and `version`) and the body laid out for `version`.
    /// Returns the bytes written.
    @discardableResult
    func write(into buffer: inout ByteBuffer, seq: Int32, version: UInt8) -> Int {
        let start = buffer.writerIndex
        buffer.writeMultipleIntegers(Int32(0), seq, command.rawValue, version, flags.rawValue, UInt8(0))
        switch body {
        case .raw(let bytes): buffer.writeImmutableBuffer(bytes)
        case .message(let message): message.write(to: &buffer, version: version)
        case .ack(let ack):
            buffer.writeInteger(ack.seq)
            if version >= 2 { buffer.writeInteger(ack.status.rawValue) }
        case .metadata(let metadata): metadata.write(to: &buffer)
        case .int64(let value): buffer.writeInteger(value)
        }
        let length = buffer.writerIndex - start
        buffer.setInteger(Int32(length - IMFrame.headerSize), at: start)
        return length
    }
}
