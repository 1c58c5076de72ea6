/// A frame or body that breaks the protocol. The connection that sent it is closed; others are not affected.
public struct IMWireError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The header's length is negative or not below the body limit.
        case badLength
        /// A command outside the accepted set.
        case unexpectedCommand
        /// The body does not decode as the command's layout.
        case malformedBody
        /// The stream ended inside a frame.
        case truncatedFrame
        /// A WebSocket message that is not one binary message holding a whole frame (a text message, one
        /// too large, or broken WebSocket framing).
        case badWebSocketMessage
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
