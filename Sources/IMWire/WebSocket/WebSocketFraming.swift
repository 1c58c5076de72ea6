import NIOCore
import NIOWebSocket

/// The WebSocket side of a connection after the upgrade, for both ends (`role`): turns the bytes read
/// into protocol frames, one per binary message, and the runs of frames written into binary messages
/// (PROTOCOL.md §1.1, RFC 6455).
///
/// Inbound, `WebSocketMessageReader` joins fragments and enforces the framing rules; each binary message
/// must then hold one whole protocol frame, checked with `frames` (a server uses the client rules: 32 KiB
/// body limit, client commands only), and that frame's bytes are passed on (bytes after it are ignored,
/// as GoBelieve does). Anything that breaks a rule fails the connection: the handlers behind get an
/// `IMWireError` (a server's session counts it as a protocol error and closes, as for any malformed
/// input) and the close frame carries the code: 1002 for broken framing or a message that is not a whole
/// frame, 1003 for a text message, 1007 for a close reason that is not UTF-8, 1009 for a message past
/// `maxMessageSize`. Nothing read after the offending frame is passed on.
///
/// Pings are answered with pongs at once, also between the fragments of a message; pongs are ignored. A
/// close frame from the peer is answered with a close frame echoing its code, once the handlers behind
/// have flushed their answers to what came before it, and then the connection is closed.
///
/// Outbound, each protocol frame leaves as its own binary message, all the frames of one write encoded
/// into one buffer (NIO's `WebSocketFrameEncoder` would make two buffers per frame); a client masks them.
/// When the connection closes, a close frame goes first, with the code saying why (1000 unless an error
/// or the peer's close set another); nothing is written after it (§5.5.1).
package final class WebSocketFraming: ChannelDuplexHandler {
    /// Bytes from the connection (what the HTTP upgrade left over first).
    package typealias InboundIn = ByteBuffer
    /// The bytes of exactly one whole protocol frame, which a session reads as it reads a TCP stream.
    package typealias InboundOut = ByteBuffer
    /// Runs of whole encoded protocol frames.
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private var reader: WebSocketMessageReader
    private var writer: WebSocketMessageWriter
    private var frames: IMFrameDecoder
    /// The code the close frame will carry (nil: no body, the answer to a close frame without one).
    private var closeCode: WebSocketErrorCode? = .normalClosure
    /// Set by a close frame from the peer: answered once this read's answers are flushed.
    private var peerClosed = false
    /// Set when the connection is ending (a close frame received or sent, or a rule broken): nothing more
    /// is read.
    private var ending = false
    private var closeSent = false

    /// - Parameters:
    ///   - role: which end this is: a server reads masked frames and writes unmasked ones, a client the
    ///     reverse.
    ///   - maxMessageSize: the largest message read, fragments joined.
    ///   - frames: the protocol frame rules each binary message is checked with.
    package init(role: WebSocketRole, maxMessageSize: Int, frames: IMFrameDecoder) {
        reader = WebSocketMessageReader(role: role, maxMessageSize: maxMessageSize)
        writer = WebSocketMessageWriter(role: role)
        self.frames = frames
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ending else { return }
        reader.append(unwrapInboundIn(data))
        do throws(WebSocketProtocolError) {
            while !ending, let message = try reader.next() { received(message, context: context) }
        } catch {
            fail(context, error.closeCode, IMWireError(.badWebSocketMessage, error.description))
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        // The handlers behind flush their answers here; the close answer goes after them.
        context.fireChannelReadComplete()
        if peerClosed {
            peerClosed = false
            sendClose(context)
            context.close(promise: nil)
        }
    }

    private func received(_ message: WebSocketMessage, context: ChannelHandlerContext) {
        switch message {
        case .binary(let payload):
            passFrame(payload, context: context)
        case .text:
            fail(
                context,
                .unacceptableData,
                IMWireError(.badWebSocketMessage, "a text message (frames travel in binary messages only)")
            )
        case .ping(let payload):
            var pong = context.channel.allocator.buffer(capacity: payload.readableBytes + writer.shortHeaderSize)
            writer.write(.pong, payload, into: &pong)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .close(let code):
            // The peer is leaving: echo its code (RFC 6455 §5.5.1) at the end of this read.
            closeCode = code
            peerClosed = true
            ending = true
        }
    }

    /// Passes on the first protocol frame of a binary message, which must hold a whole one.
    private func passFrame(_ message: ByteBuffer, context: ChannelHandlerContext) {
        var bytes = message
        let size = bytes.readableBytes
        do {
            guard try frames.decode(buffer: &bytes) != nil else {
                throw IMWireError(.badWebSocketMessage, "a binary message of \(size) bytes does not hold a whole frame")
            }
        } catch {
            fail(context, .protocolError, error as? IMWireError ?? IMWireError(.badWebSocketMessage, "\(error)"))
            return
        }
        // The first frame's bytes only: what follows it in the message is ignored.
        let first = message.getSlice(at: message.readerIndex, length: size - bytes.readableBytes)!
        context.fireChannelRead(wrapInboundOut(first))
    }

    /// Fails the connection (RFC 6455 §7.1.7): the handlers behind get `error` and close, which sends the
    /// close frame with `code`; if none closed, it is closed here.
    private func fail(_ context: ChannelHandlerContext, _ code: WebSocketErrorCode, _ error: IMWireError) {
        ending = true
        closeCode = code
        context.fireErrorCaught(error)
        if !closeSent {
            sendClose(context)
            context.close(promise: nil)
        }
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closeSent else {
            // No data after the close frame (§5.5.1).
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        var frames = unwrapOutboundIn(data)
        // Each frame is at least 12 bytes long, so at most one short header per 12 bytes (frames past
        // 64 KiB take a longer one, and the buffer grows).
        let count = frames.readableBytes
        var messages = context.channel.allocator.buffer(
            capacity: count + (count / IMFrame.headerSize + 1) * writer.shortHeaderSize
        )
        while let frame = frames.readIMFrameBytes() {
            writer.write(.binary, frame, into: &messages)
        }
        // Not whole frames: a bug in a server, malformed input on purpose in a client's tests; sent as one
        // message rather than lost.
        if frames.readableBytes > 0 { writer.write(.binary, frames, into: &messages) }
        context.write(wrapOutboundOut(messages), promise: promise)
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all { sendClose(context) }
        context.close(mode: mode, promise: promise)
    }

    private func sendClose(_ context: ChannelHandlerContext) {
        guard !closeSent, context.channel.isActive else { return }
        closeSent = true
        ending = true
        var message = context.channel.allocator.buffer(capacity: 2 + writer.shortHeaderSize)
        writer.writeClose(closeCode, into: &message)
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
    }
}

@available(*, unavailable)
extension WebSocketFraming: Sendable {}
