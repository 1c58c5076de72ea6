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

/// The body of `MSG_ACK`: the acknowledged frame's seq, and from version 2 a status.
public struct IMMessageACK: Sendable, Equatable {
    /// ACK statuses (PROTOCOL.md §3).
    public struct Status: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let success = Status(rawValue: 0)
        public static let notMyFriend = Status(rawValue: 1)
        public static let notYourFriend = Status(rawValue: 2)
        public static let inYourBlacklist = Status(rawValue: 3)
        public static let notGroupMember = Status(rawValue: 64)
        public static let groupNonexistent = Status(rawValue: 65)
        /// Ours: the sender may not speak (muted).
        public static let muted = Status(rawValue: 66)
        /// Ours: rate limited.
        public static let rateLimited = Status(rawValue: 67)
        /// Ours: the server could not store the message (or the sender field was not the user).
        public static let serverError = Status(rawValue: 68)
    }

    public var seq: Int32
    public var status: Status

    public init(seq: Int32, status: Status = .success) {
        self.seq = seq
        self.status = status
    }

    /// Decodes an ACK as GoBelieve does: never fails; missing fields read as 0.
    public init(body: ByteBuffer, version: UInt8) {
        var body = body
        let seq = body.readInteger(as: Int32.self) ?? 0
        let status = version >= 2 ? body.readInteger(as: UInt8.self) ?? 0 : 0
        self.init(seq: seq, status: Status(rawValue: status))
    }

    public func body(version: UInt8) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(seq)
        if version >= 2 { buffer.writeInteger(status.rawValue) }
        return buffer
    }
}

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
