import NIOCore

/// The body of `MSG_IM` (peer) and `MSG_GROUP_IM` (receiver = group id).
///
/// v0: `sender i64 | receiver i64 | msgid i32 | content`; v1 and later add `timestamp i32` before `msgid`.
/// `msgid` is the client's own id, relayed unchanged; the server overwrites `timestamp`.
public struct IMMessage: Sendable, Equatable {
    public var sender: Int64
    public var receiver: Int64
    public var timestamp: Int32
    public var msgID: Int32
    /// Opaque bytes; by SDK convention JSON such as `{"text":"..."}`.
    public var content: ByteBuffer

    public init(sender: Int64, receiver: Int64, timestamp: Int32 = 0, msgID: Int32, content: ByteBuffer) {
        self.sender = sender
        self.receiver = receiver
        self.timestamp = timestamp
        self.msgID = msgID
        self.content = content
    }

    /// Decodes a body laid out in `version`; the content is a slice of `body`. `command` (`.im` or
    /// `.groupIM`) is named in the error.
    public init(body: ByteBuffer, version: UInt8, command: IMCommand = .im) throws(IMWireError) {
        var body = body
        if version == 0 {
            guard let (sender, receiver, msgID) = body.readMultipleIntegers(as: (Int64, Int64, Int32).self) else {
                throw IMWireError(
                    .malformedBody,
                    command: command,
                    "a v0 message body needs 20 bytes, got \(body.readableBytes)"
                )
            }
            self.init(sender: sender, receiver: receiver, timestamp: 0, msgID: msgID, content: body)
        } else {
            guard
                let (sender, receiver, timestamp, msgID) = body.readMultipleIntegers(
                    as: (Int64, Int64, Int32, Int32).self
                )
            else {
                throw IMWireError(
                    .malformedBody,
                    command: command,
                    "a message body needs 24 bytes, got \(body.readableBytes)"
                )
            }
            self.init(sender: sender, receiver: receiver, timestamp: timestamp, msgID: msgID, content: body)
        }
    }

    /// Writes the body laid out in `version`.
    public func write(to buffer: inout ByteBuffer, version: UInt8) {
        if version == 0 {
            buffer.writeMultipleIntegers(sender, receiver, msgID)
        } else {
            buffer.writeMultipleIntegers(sender, receiver, timestamp, msgID)
        }
        buffer.writeImmutableBuffer(content)
    }

    /// The body laid out in `version`.
    public func body(version: UInt8) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(24 + content.readableBytes)
        write(to: &buffer, version: version)
        return buffer
    }
}
