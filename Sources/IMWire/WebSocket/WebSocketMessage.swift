import NIOCore
import NIOWebSocket

/// Which end of a WebSocket connection this is (RFC 6455 §5.1): a client masks every frame it sends and
/// a server none, and each end fails the connection on a frame masked the other way.
package enum WebSocketRole: Sendable {
    case server
    case client

    /// Whether the frames this end reads must be masked (a server reading a client's).
    var readsMaskedFrames: Bool { self == .server }
}

/// One thing `WebSocketMessageReader` read: a whole data message (its fragments joined) or a control
/// frame (which may arrive between the fragments of a data message).
package enum WebSocketMessage: Equatable {
    /// A binary message, unmasked.
    case binary(ByteBuffer)
    /// A text message, unmasked (its UTF-8 is not checked: we refuse text messages whole).
    case text(ByteBuffer)
    case ping(ByteBuffer)
    case pong(ByteBuffer)
    /// A close frame: its status code (checked to be one an endpoint may send), nil when it has no body.
    /// The reason is checked to be UTF-8 and dropped.
    case close(WebSocketErrorCode?)
}

extension WebSocketOpcode {
    /// The opcode's name for error messages ("ping", not NIO's "WebSocketOpcode.ping").
    var name: String {
        switch self {
        case .continuation: "continuation"
        case .text: "text"
        case .binary: "binary"
        case .connectionClose: "close"
        case .ping: "ping"
        case .pong: "pong"
        default: "opcode \(UInt8(webSocketOpcode: self))"
        }
    }
}
