import NIOCore

/// The body of `MSG_RT` and `MSG_ROOM_IM` (receiver = room id): `sender i64 | receiver i64 | content`.
public struct IMRealtimeMessage: Sendable, Equatable {
    public var sender: Int64
    public var receiver: Int64
    public var content: ByteBuffer

    public init(sender: Int64, receiver: Int64, content: ByteBuffer) {
        self.sender = sender
        self.receiver = receiver
        self.content = content
    }

    public init(body: ByteBuffer, command: IMCommand = .rt) throws(IMWireError) {
        var body = body
        guard let (sender, receiver) = body.readMultipleIntegers(as: (Int64, Int64).self) else {
            throw IMWireError(.malformedBody, command: command, "needs 16 bytes, got \(body.readableBytes)")
        }
        self.init(sender: sender, receiver: receiver, content: body)
    }

    public func body() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(sender, receiver)
        buffer.writeImmutableBuffer(content)
        return buffer
    }
}
