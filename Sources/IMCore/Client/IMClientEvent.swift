import NIOCore

/// A frame the server sent that no request of this client was waiting for: pushed messages, sync
/// notifications, real-time messages, notifications.
public struct IMClientEvent: Sendable {
    /// The frame as received.
    public var frame: IMFrame
    /// The `MSG_METADATA` that came immediately before it, if any (PROTOCOL.md §1.7).
    public var metadata: IMMetadata?

    public init(frame: IMFrame, metadata: IMMetadata?) {
        self.frame = frame
        self.metadata = metadata
    }

    /// The frame's body as a peer or group message, decoded in the frame's version.
    public var message: IMMessage? {
        guard frame.command == .im || frame.command == .groupIM else { return nil }
        return try? IMMessage(body: frame.body, version: frame.version, command: frame.command)
    }
}

/// The server's answer to a sent message.
public struct IMAck: Sendable, Equatable {
    /// 0 success; see `IMMessageACK.Status` for refusals (v2 connections only).
    public var status: IMMessageACK.Status
    /// The message's key and the previous key in the sender's own queue, when stored.
    public var metadata: IMMetadata?
    /// The ACK frame's flags (SUPER_GROUP for super-group messages).
    public var flags: IMMessageFlags
}

/// One `MSG_SYNC` exchange.
public struct IMSyncResult: Sendable {
    /// `MSG_SYNC_BEGIN`'s key.
    public var beginKey: Int64
    /// The messages, oldest first, as sent (flags carry SELF).
    public var messages: [IMFrame]
    /// `MSG_SYNC_END`'s key: the client's new sync key.
    public var endKey: Int64
    /// Set when the server announced more messages (`MSG_SYNC_NOTIFY` with a larger key).
    public var moreKey: Int64?

    /// Whether another sync from `endKey` would return more.
    public var hasMore: Bool { moreKey != nil }
}

/// Why a client call failed.
public struct IMClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What failed. New codes may be added, so a `switch` over them needs a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The connection closed before the reply came.
        public static let connectionClosed = Code(rawValue: "connectionClosed")
        /// No reply within the call's deadline.
        public static let timeout = Code(rawValue: "timeout")
        /// A sync was asked for while another one is being read.
        public static let syncInProgress = Code(rawValue: "syncInProgress")
        /// The server answered with a frame the call did not expect.
        public static let unexpectedReply = Code(rawValue: "unexpectedReply")

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
