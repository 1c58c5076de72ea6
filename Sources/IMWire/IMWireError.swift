/// A frame or body that breaks the protocol. The connection that sent it is closed; others are not affected.
public struct IMWireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong. Raw values are stable (they appear in logs); new codes may be added, so a `switch`
    /// over them needs a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The header's length is negative or not below the body limit.
        public static let badLength = Code(rawValue: "badLength")
        /// A command outside the accepted set.
        public static let unexpectedCommand = Code(rawValue: "unexpectedCommand")
        /// The body does not decode as the command's layout.
        public static let malformedBody = Code(rawValue: "malformedBody")
        /// The stream ended inside a frame.
        public static let truncatedFrame = Code(rawValue: "truncatedFrame")
        /// A WebSocket message that is not one binary message holding a whole frame (a text message, one
        /// too large, or broken WebSocket framing).
        public static let badWebSocketMessage = Code(rawValue: "badWebSocketMessage")

        public var description: String { rawValue }
    }

    public var code: Code
    public var command: IMCommand?
    public var message: String

    public init(_ code: Code, command: IMCommand? = nil, _ message: String) {
        self.code = code
        self.command = command
        self.message = message
    }

    public var description: String {
        if let command { return "\(code.rawValue) (\(command)): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
