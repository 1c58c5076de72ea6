import NIOCore
import NIOWebSocket

/// Turns WebSocket messages into protocol frames and back, in front of a `SessionHandler` (PROTOCOL §1,
/// reference §1.1).
///
/// Inbound, each binary message must hold one whole frame, decoded with the client rules (32 KiB body
/// limit, client commands only); bytes after the first frame are ignored, as GoBelieve does. A text
/// message, a binary message without a whole frame, or broken WebSocket framing (a message past the size
/// limit) reaches the session as an `IMWireError`, which closes the connection as any malformed input
/// does. Pings are answered with pongs; pongs are ignored; a close is answered and the connection closed.
///
/// Outbound, the session writes runs of encoded frames; each frame leaves as its own binary message, all
/// of one write encoded into one buffer (server messages are not masked, so this is a header and a copy
/// per frame; NIO's `WebSocketFrameEncoder` would make two buffers per frame). When the connection
/// closes, a close message goes first, with a code saying why.
final class WebSocketFraming: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    /// The bytes of exactly one whole frame, which the session reads as it reads a TCP stream.
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The largest message accepted, for error messages (the WebSocket decoder enforces it).
    let maxMessageSize: Int
    private var decoder = IMFrameDecoder.forClients
    /// The code the close message will carry: set by the error that ends the connection.
    private var closeCode = WebSocketErrorCode.normalClosure
    private var closeSent = false

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch message.opcode {
        case .binary:
            let data = message.unmaskedData
            var bytes = data
            let size = bytes.readableBytes
            do {
                guard try decoder.decode(buffer: &bytes) != nil else {
                    throw IMWireError(
                        .badWebSocketMessage,
                        "a binary message of \(size) bytes does not hold a whole frame"
                    )
                }
                // The first frame's bytes only: what follows it in the message is ignored.
                let first = data.getSlice(at: data.readerIndex, length: size - bytes.readableBytes)!
                context.fireChannelRead(wrapInboundOut(first))
            } catch {
                closeCode = .protocolError
                context.fireErrorCaught(error)
            }
        case .text:
            closeCode = .unacceptableData
            context.fireErrorCaught(
                IMWireError(.badWebSocketMessage, "a text message (frames travel in binary messages only)")
            )
        case .ping:
            let payload = message.unmaskedData
            var pong = context.channel.allocator.buffer(capacity: payload.readableBytes + 2)
            Self.writeMessage(.pong, payload, into: &pong)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            // The peer is leaving: echo its code (RFC 6455 §5.5.1) and close.
            var payload = message.unmaskedData
            closeCode = payload.readWebSocketErrorCode() ?? .normalClosure
            context.close(promise: nil)
        default:
            // Pongs, and nothing else reaches here: the aggregator joins continuations and the decoder
            // refuses reserved opcodes.
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let error as NIOWebSocketError:
            closeCode = error == .invalidFrameLength ? .messageTooLarge : .protocolError
            context.fireErrorCaught(IMWireError(.badWebSocketMessage, describe(error)))
        case let error as NIOWebSocketFrameAggregator.Error:
            if error == .accumulatedFrameSizeIsTooLarge {
                closeCode = .messageTooLarge
                context.fireErrorCaught(
                    IMWireError(.badWebSocketMessage, "a fragmented message larger than \(maxMessageSize) bytes")
                )
            } else {
                closeCode = .protocolError
                context.fireErrorCaught(IMWireError(.badWebSocketMessage, "bad fragments: \(error)"))
            }
        default:
            context.fireErrorCaught(error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var frames = unwrapOutboundIn(data)
        // Each frame is at least 12 bytes, so at most a 4-byte header per 12 bytes (frames stay < 64 KiB).
        var messages = context.channel.allocator.buffer(capacity: frames.readableBytes * 4 / 3 + 10)
        while let frame = frames.readIMFrameBytes() {
            Self.writeMessage(.binary, frame, into: &messages)
        }
        // The session writes whole frames only; anything else would be a bug, sent as it is rather than lost.
        if frames.readableBytes > 0 { Self.writeMessage(.binary, frames, into: &messages) }
        context.write(wrapOutboundOut(messages), promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !closeSent, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        closeSent = true
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.write(webSocketErrorCode: closeCode)
        var message = context.channel.allocator.buffer(capacity: 4)
        Self.writeMessage(.connectionClose, payload, into: &message)
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
        context.close(mode: mode, promise: promise)
    }

    /// Appends one unfragmented, unmasked WebSocket message (RFC 6455 §5.2): FIN and the opcode, the
    /// length in 7, 7+16 or 7+64 bits, the payload.
    static func writeMessage(_ opcode: WebSocketOpcode, _ payload: ByteBuffer, into buffer: inout ByteBuffer) {
        let length = payload.readableBytes
        buffer.writeInteger(UInt8(0x80) | UInt8(webSocketOpcode: opcode))
        switch length {
        case ..<126: buffer.writeInteger(UInt8(length))
        case ...Int(UInt16.max): buffer.writeMultipleIntegers(UInt8(126), UInt16(length))
        default: buffer.writeMultipleIntegers(UInt8(127), UInt64(length))
        }
        buffer.writeImmutableBuffer(payload)
    }

    private func describe(_ error: NIOWebSocketError) -> String {
        switch error {
        case .invalidFrameLength: "a message larger than \(maxMessageSize) bytes"
        case .fragmentedControlFrame: "a fragmented control frame"
        case .multiByteControlFrameLength: "a control frame longer than 125 bytes"
        }
    }
}

@available(*, unavailable)
extension WebSocketFraming: Sendable {}
