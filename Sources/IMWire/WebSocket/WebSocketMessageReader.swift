import NIOCore
import NIOWebSocket

/// Splits the bytes a WebSocket connection reads into messages (RFC 6455 §5), incrementally and bounded:
/// a fragmented message is joined and returned whole, control frames are returned as they come (also
/// between fragments, §5.4), and a frame that breaks a rule throws a `WebSocketProtocolError` as soon as
/// the bytes that break it are here.
///
/// Each header is checked before any payload byte is buffered: reserved bits (no extension is ever
/// negotiated), reserved opcodes, the mask bit the role requires, control frames (FIN set, at most 125
/// bytes), continuation order, and the length against `maxMessageSize` counting the fragments already
/// joined; so a peer can never make it allocate from an unchecked length. Close frames are checked too
/// (no 1-byte body, a status code an endpoint may send, a UTF-8 reason).
///
/// Between reads it holds nothing but a fragmented message being joined, unless a read ended inside a
/// frame: then it copies that frame's bytes into a buffer of its own, sized for the whole frame once the
/// header is here, so the socket's receive buffer is never held by a partial frame (as `IMFrameReader`).
package struct WebSocketMessageReader {
    let role: WebSocketRole
    /// The largest data message accepted, its fragments joined.
    let maxMessageSize: Int
    /// Bytes not yet decoded: the last read's, or (`owned`) a partial frame's copy.
    private var buffer: ByteBuffer?
    private var owned = false
    /// The fragmented data message being joined: its opcode and its payload so far, unmasked.
    private var fragments: (opcode: WebSocketOpcode, payload: ByteBuffer)?

    package init(role: WebSocketRole, maxMessageSize: Int) {
        self.role = role
        self.maxMessageSize = maxMessageSize
    }

    /// Adds bytes read from the connection; take the messages with `next()`.
    package mutating func append(_ bytes: ByteBuffer) {
        guard buffer != nil else {
            buffer = bytes
            owned = false
            return
        }
        buffer!.writeImmutableBuffer(bytes)
    }

    /// The next message or control frame, or nil when more bytes are needed. After a throw the stream
    /// cannot be resynchronised: the connection must be failed.
    package mutating func next() throws(WebSocketProtocolError) -> WebSocketMessage? {
        while buffer != nil {
            guard let header = try WebSocketFrameHeader.parse(buffer!, role: role) else {
                holdPartialFrame(size: nil)
                return nil
            }
            try check(header)
            guard buffer!.readableBytes >= header.size + header.length else {
                holdPartialFrame(size: header.size + header.length)
                return nil
            }
            buffer!.moveReaderIndex(forwardBy: header.size)
            if let message = try received(header) { return message }
        }
        return nil
    }

    /// The rules that depend on what came before: continuation order and the size of the joined message.
    private func check(_ header: WebSocketFrameHeader) throws(WebSocketProtocolError) {
        switch header.opcode {
        case .continuation where fragments == nil:
            throw WebSocketProtocolError(.unexpectedContinuation, "a continuation frame with no message started")
        case .text where fragments != nil, .binary where fragments != nil:
            throw WebSocketProtocolError(
                .interruptedMessage,
                "a new \(header.opcode.name) frame while a fragmented message is open"
            )
        default:
            break
        }
        let joined = header.opcode.isControlOpcode ? 0 : fragments?.payload.readableBytes ?? 0
        if !header.opcode.isControlOpcode, header.length > maxMessageSize - joined {
            throw WebSocketProtocolError(
                .messageTooLarge,
                "a message larger than \(maxMessageSize) bytes (\(joined) joined, a frame of \(header.length))"
            )
        }
    }

    /// Takes the frame whose header `header` is (already read) out of the buffer.
    private mutating func received(_ header: WebSocketFrameHeader) throws(WebSocketProtocolError) -> WebSocketMessage? {
        defer {
            if buffer!.readableBytes == 0 {
                buffer = nil
                owned = false
            }
        }
        if header.opcode == .continuation || !header.fin {
            appendFragment(header)
            guard header.fin, let (opcode, payload) = fragments else { return nil }
            fragments = nil
            return opcode == .text ? .text(payload) : .binary(payload)
        }
        let payload = readPayload(header)
        switch header.opcode {
        case .binary: return .binary(payload)
        case .text: return .text(payload)
        case .ping: return .ping(payload)
        case .pong: return .pong(payload)
        default: return .close(try Self.closeCode(payload))
        }
    }

    /// The frame's payload, unmasked: a slice of the bytes read when it was not masked, otherwise a copy
    /// unmasked while copying.
    private mutating func readPayload(_ header: WebSocketFrameHeader) -> ByteBuffer {
        let payload = buffer!.readSlice(length: header.length)!
        guard let mask = header.mask else { return payload }
        var unmasked = ByteBufferAllocator().buffer(capacity: header.length)
        unmasked.writeMasked(payload, mask)
        return unmasked
    }

    /// Adds a fragment's payload to the message being joined (starting it for a first fragment).
    private mutating func appendFragment(_ header: WebSocketFrameHeader) {
        let payload = buffer!.readSlice(length: header.length)!
        if fragments == nil {
            // Room for a few more fragments like this one, never more than the limit.
            let capacity = min(max(header.length * 2, 256), maxMessageSize)
            fragments = (header.opcode, ByteBufferAllocator().buffer(capacity: capacity))
        }
        if let mask = header.mask {
            fragments!.payload.writeMasked(payload, mask)
        } else {
            fragments!.payload.writeImmutableBuffer(payload)
        }
    }

    /// A read ended inside a frame: keep its bytes in a buffer of our own, sized for the whole frame when
    /// `size` (from a checked header) is known.
    private mutating func holdPartialFrame(size: Int?) {
        guard !owned else { return }
        let remainder = buffer!
        var own = ByteBufferAllocator().buffer(capacity: max(remainder.readableBytes, size ?? 0))
        own.writeImmutableBuffer(remainder)
        buffer = own
        owned = true
    }

    /// The status code of a close frame's body (§5.5.1, §7.4); throws for a body an endpoint may not send.
    static func closeCode(_ body: ByteBuffer) throws(WebSocketProtocolError) -> WebSocketErrorCode? {
        guard body.readableBytes > 0 else { return nil }
        guard let code = body.getInteger(at: body.readerIndex, as: UInt16.self) else {
            throw WebSocketProtocolError(.badClosePayload, "a close frame with a 1-byte body")
        }
        guard isSendable(closeCode: code) else {
            throw WebSocketProtocolError(
                .badCloseCode,
                "a close frame with status code \(code), which no endpoint may send"
            )
        }
        let reasonIsUTF8 = body.withUnsafeReadableBytes { String(validating: $0.dropFirst(2), as: UTF8.self) != nil }
        guard reasonIsUTF8 else {
            throw WebSocketProtocolError(.invalidCloseReason, "a close frame whose reason is not UTF-8")
        }
        return WebSocketErrorCode(codeNumber: Int(code))
    }

    /// Whether an endpoint may send `code` in a close frame: the codes RFC 6455 defines for that (§7.4.1)
    /// and those IANA registered since (1012-1014), and the ranges for libraries (3000-3999) and
    /// applications (4000-4999). Never 1004 (reserved), 1005, 1006 or 1015 (for reporting only), nor
    /// anything unassigned (below 1000, 1016-2999, from 5000).
    static func isSendable(closeCode code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
