import NIOCore

/// One protocol frame: the 12-byte header's fields and the body.
///
/// Header layout (big-endian): `length i32 | seq i32 | cmd u8 | version u8 | flag u8 | reserved u8`,
/// then `length` bytes of body.
public struct IMFrame: Sendable, Equatable {
    /// The header size in bytes.
    public static let headerSize = 12
    /// The largest body a client may send (`0 <= length < 32768`).
    public static let maxClientBodySize = 32767

    public var seq: Int32
    public var command: IMCommand
    /// The protocol version (0, 1 or 2) the body is laid out in.
    public var version: UInt8
    public var flags: IMMessageFlags
    public var body: ByteBuffer

    public init(seq: Int32 = 0, command: IMCommand, version: UInt8, flags: IMMessageFlags = [], body: ByteBuffer) {
        self.seq = seq
        self.command = command
        self.version = version
        self.flags = flags
        self.body = body
    }
}

extension ByteBuffer {
    /// Writes `frame`'s header and body.
    @discardableResult
    public mutating func writeIMFrame(_ frame: IMFrame) -> Int {
        var written = writeInteger(Int32(frame.body.readableBytes))
        written += writeInteger(frame.seq)
        written += writeMultipleIntegers(frame.command.rawValue, frame.version, frame.flags.rawValue, UInt8(0))
        written += writeImmutableBuffer(frame.body)
        return written
    }
}

extension ByteBuffer {
    /// Reads the bytes of the next whole frame (header and body) without decoding them; nil, reading
    /// nothing, if fewer bytes are readable or the header's length is negative. Splits a run of encoded
    /// frames into one WebSocket message per frame.
    package mutating func readIMFrameBytes() -> ByteBuffer? {
        guard let length = getInteger(at: readerIndex, as: Int32.self), length >= 0 else { return nil }
        return readSlice(length: IMFrame.headerSize + Int(length))
    }
}
