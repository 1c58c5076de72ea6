import NIOCore

/// Splits a byte stream into `IMFrame`s, incrementally and bounded.
///
/// The header is validated before any body byte is buffered: a negative or oversize length, or (when
/// `acceptedCommands` is set) a command outside the set, fails at once with an `IMWireError`, so a peer
/// can never make us allocate from an unchecked length. Body layouts are decoded later (`IMClientRequest`),
/// because a frame's meaning depends on the session.
public struct IMFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = IMFrame

    /// The largest body accepted. Default: the client limit, 32767 bytes.
    public let maxBodySize: Int
    /// The commands accepted; nil accepts all. A server decoding clients uses `IMCommand.clientCommands`.
    public let acceptedCommands: Set<IMCommand>?

    public init(maxBodySize: Int = IMFrame.maxClientBodySize, acceptedCommands: Set<IMCommand>? = nil) {
        self.maxBodySize = maxBodySize
        self.acceptedCommands = acceptedCommands
    }

    /// A decoder for frames from clients: the client command set and the 32 KiB limit.
    public static var forClients: IMFrameDecoder {
        IMFrameDecoder(acceptedCommands: IMCommand.clientCommands)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> IMFrame? {
        guard
            let (length, seq, rawCommand, version, flags, _) = buffer.getMultipleIntegers(
                at: buffer.readerIndex,
                as: (Int32, Int32, UInt8, UInt8, UInt8, UInt8).self
            )
        else { return nil }
        let command = IMCommand(rawValue: rawCommand)
        guard length >= 0, Int(length) <= maxBodySize else {
            throw IMWireError(.badLength, command: command, "body length \(length) is outside 0...\(maxBodySize)")
        }
        if let acceptedCommands, !acceptedCommands.contains(command) {
            throw IMWireError(.unexpectedCommand, command: command, "command \(rawCommand) is not accepted here")
        }
        guard buffer.readableBytes >= IMFrame.headerSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: IMFrame.headerSize)
        let body = buffer.readSlice(length: Int(length))!
        return IMFrame(
            seq: seq,
            command: command,
            version: version,
            flags: IMMessageFlags(rawValue: flags),
            body: body
        )
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> IMFrame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        if seenEOF && buffer.readableBytes > 0 {
            throw IMWireError(.truncatedFrame, "the stream ended \(buffer.readableBytes) bytes into a frame")
        }
        return nil
    }
}
