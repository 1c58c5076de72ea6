import IMCore
import NIOCore

/// The content of every message imbench sends: who sent it, its number in the sender→recipient stream
/// and its intended send time, so any recipient can account for it and time it.
///
/// Layout (big-endian, 24 bytes, then zero padding up to the configured size):
/// `magic u32 "IMB1" | sender i64 | number u32 | intended send time u64 (ns, the generator's clock)`.
package struct BenchPayload: Sendable, Equatable {
    package static let magic: UInt32 = 0x494D_4231
    /// The smallest content: the fields without padding.
    package static let size = 24

    package var sender: Int64
    package var number: UInt32
    package var sentAt: UInt64

    package init(sender: Int64, number: UInt32, sentAt: UInt64) {
        self.sender = sender
        self.number = number
        self.sentAt = sentAt
    }

    /// Writes the payload padded with zeros to `size` bytes (at least `BenchPayload.size`).
    package func write(to buffer: inout ByteBuffer, size: Int = BenchPayload.size) {
        buffer.writeMultipleIntegers(Self.magic, sender, number, sentAt)
        if size > Self.size { buffer.writeRepeatingByte(0, count: size - Self.size) }
    }

    /// Reads a payload from the start of `content`; nil if it is not one of ours.
    package init?(content: ByteBuffer) {
        guard
            let (magic, sender, number, sentAt) = content.getMultipleIntegers(
                at: content.readerIndex,
                as: (UInt32, Int64, UInt32, UInt64).self
            ), magic == Self.magic
        else { return nil }
        self.init(sender: sender, number: number, sentAt: sentAt)
    }
}

/// Frames written straight into one buffer, without intermediate bodies: the generator's send path.
enum BenchFrames {
    /// Appends a `MSG_IM` or `MSG_GROUP_IM` frame (v1/v2 layout when `version >= 1`) carrying `payload`,
    /// or a `MSG_ROOM_IM` (the RT layout: sender, room, content).
    static func writeMessage(
        to buffer: inout ByteBuffer,
        seq: Int32,
        version: UInt8,
        command: IMCommand = .im,
        receiver: Int64,
        payload: BenchPayload,
        contentSize: Int
    ) {
        let content = Swift.max(contentSize, BenchPayload.size)
        let header = command == .roomIM ? 16 : (version == 0 ? 20 : 24)
        buffer.writeMultipleIntegers(
            Int32(header + content),
            seq,
            command.rawValue,
            version,
            UInt8(0),
            UInt8(0)
        )
        if command == .roomIM {
            buffer.writeMultipleIntegers(payload.sender, receiver)
        } else if version == 0 {
            buffer.writeMultipleIntegers(payload.sender, receiver, Int32(bitPattern: payload.number))
        } else {
            buffer.writeMultipleIntegers(payload.sender, receiver, Int32(0), Int32(bitPattern: payload.number))
        }
        payload.write(to: &buffer, size: content)
    }

    /// Appends a frame with `body`.
    static func write(to buffer: inout ByteBuffer, seq: Int32, command: IMCommand, version: UInt8, body: ByteBuffer) {
        buffer.writeIMFrame(IMFrame(seq: seq, command: command, version: version, body: body))
    }

    /// The content of a pushed or synced `MSG_IM`/`MSG_GROUP_IM` body in `version`'s layout, or of a
    /// `MSG_ROOM_IM` (`command`).
    static func content(ofMessageBody body: ByteBuffer, version: UInt8, command: IMCommand = .im) -> ByteBuffer? {
        let header = command == .roomIM ? 16 : (version == 0 ? 20 : 24)
        guard body.readableBytes >= header else { return nil }
        return body.getSlice(at: body.readerIndex + header, length: body.readableBytes - header)
    }
}
