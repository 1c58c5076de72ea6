import NIOCore

/// The body of `MSG_ACK`: the acknowledged frame's seq, and from version 2 a status.
public struct IMMessageACK: Sendable, Equatable {
    /// ACK statuses (PROTOCOL.md §1.5).
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
