import NIOCore

/// The body of `MSG_CUSTOMER_V2`, a cross-app message (not versioned, no msgid):
/// `sender_appid i64 | sender i64 | receiver_appid i64 | receiver i64 | timestamp i32 | content`.
public struct IMCustomerMessage: Sendable, Equatable {
    public var senderAppID: Int64
    public var sender: Int64
    public var receiverAppID: Int64
    public var receiver: Int64
    public var timestamp: Int32
    public var content: ByteBuffer

    public init(
        senderAppID: Int64,
        sender: Int64,
        receiverAppID: Int64,
        receiver: Int64,
        timestamp: Int32,
        content: ByteBuffer
    ) {
        self.senderAppID = senderAppID
        self.sender = sender
        self.receiverAppID = receiverAppID
        self.receiver = receiver
        self.timestamp = timestamp
        self.content = content
    }

    public init(body: ByteBuffer) throws(IMWireError) {
        var body = body
        guard
            let (senderAppID, sender, receiverAppID, receiver, timestamp) = body.readMultipleIntegers(
                as: (Int64, Int64, Int64, Int64, Int32).self
            )
        else {
            throw IMWireError(.malformedBody, command: .customerV2, "needs 36 bytes, got \(body.readableBytes)")
        }
        self.init(
            senderAppID: senderAppID,
            sender: sender,
            receiverAppID: receiverAppID,
            receiver: receiver,
            timestamp: timestamp,
            content: body
        )
    }

    public func body() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(senderAppID, sender, receiverAppID, receiver, timestamp)
        buffer.writeImmutableBuffer(content)
        return buffer
    }
}
