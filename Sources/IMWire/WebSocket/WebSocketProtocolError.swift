import NIOWebSocket

/// A WebSocket frame that breaks RFC 6455: the connection is failed with a close frame carrying
/// `closeCode` (§7.1.7), and nothing read after the frame is served.
package struct WebSocketProtocolError: Error, Hashable, CustomStringConvertible {
    package enum Code: String, Hashable, Sendable {
        /// RSV1, RSV2 or RSV3 set, with no extension negotiated (§5.2).
        case reservedBits
        /// Opcode 3-7 or 0xB-0xF (§5.2).
        case reservedOpcode
        /// A frame from a client without a mask, or from a server with one (§5.1).
        case badMasking
        /// A continuation frame with no fragmented message started (§5.4).
        case unexpectedContinuation
        /// A new text or binary frame while a fragmented message is still open (§5.4).
        case interruptedMessage
        /// A control frame without FIN (§5.5).
        case fragmentedControlFrame
        /// A control frame with more than 125 bytes of payload (§5.5).
        case longControlFrame
        /// A 64-bit payload length with its most significant bit set (§5.2).
        case badLength
        /// A message (all its fragments together) larger than the limit.
        case messageTooLarge
        /// A close frame with a 1-byte body (§5.5.1).
        case badClosePayload
        /// A close frame with a status code no endpoint may send (§7.4).
        case badCloseCode
        /// A close frame whose reason is not UTF-8 (§5.5.1, §8.1).
        case invalidCloseReason
    }

    package var code: Code
    package var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The status code of the close frame that fails the connection: 1009 for a message too large, 1007
    /// for a close reason that is not UTF-8, 1002 (protocol error) for everything else.
    var closeCode: WebSocketErrorCode {
        switch code {
        case .messageTooLarge: .messageTooLarge
        case .invalidCloseReason: .dataInconsistentWithMessage
        default: .protocolError
        }
    }

    package var description: String { "\(code.rawValue): \(message)" }
}
