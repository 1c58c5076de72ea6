import NIOCore
import NIOWebSocket

/// A WebSocket frame header (RFC 6455 §5.2), parsed and checked on its own: the rules that need no
/// earlier frame.
///
/// ```
/// FIN RSV1 RSV2 RSV3 opcode(4) | MASK length(7) | length(16 or 64, when 126 or 127) | masking key(32)
/// ```
struct WebSocketFrameHeader {
    var fin: Bool
    var opcode: WebSocketOpcode
    /// The masking key, when the mask bit is set.
    var mask: WebSocketMask?
    /// The payload length (checked to fit in an `Int`).
    var length: Int
    /// The header's own size: 2 to 14 bytes.
    var size: Int

    /// The header at the start of `bytes` (nothing is read), or nil if it is not all here yet. Throws as
    /// soon as the first two bytes break a rule: reserved bits, a reserved opcode, the mask bit not the one
    /// `role` reads, a control frame without FIN or longer than 125 bytes; or for a 64-bit length with its
    /// top bit set.
    static func parse(_ bytes: ByteBuffer, role: WebSocketRole) throws(WebSocketProtocolError) -> Self? {
        guard let (first, second) = bytes.getMultipleIntegers(at: bytes.readerIndex, as: (UInt8, UInt8).self) else {
            return nil
        }
        let fin = first & 0x80 != 0
        let opcode = try opcode(first)
        let masked = second & 0x80 != 0
        if masked != role.readsMaskedFrames {
            throw WebSocketProtocolError(
                .badMasking,
                role.readsMaskedFrames ? "an unmasked frame from a client" : "a masked frame from a server"
            )
        }
        let shortLength = Int(second & 0x7F)
        if opcode.isControlOpcode {
            guard fin else {
                throw WebSocketProtocolError(.fragmentedControlFrame, "a fragmented \(opcode.name) frame")
            }
            guard shortLength <= 125 else {
                throw WebSocketProtocolError(.longControlFrame, "a \(opcode.name) frame longer than 125 bytes")
            }
        }
        var size = 2
        let length: Int
        switch shortLength {
        case 126:
            guard let long = bytes.getInteger(at: bytes.readerIndex + 2, as: UInt16.self) else { return nil }
            length = Int(long)
            size += 2
        case 127:
            guard let long = bytes.getInteger(at: bytes.readerIndex + 2, as: UInt64.self) else { return nil }
            guard long >> 63 == 0 else {
                throw WebSocketProtocolError(.badLength, "a 64-bit payload length with its top bit set")
            }
            length = Int(long)
            size += 8
        default:
            length = shortLength
        }
        var mask: WebSocketMask?
        if masked {
            guard let key = bytes.getInteger(at: bytes.readerIndex + size, as: UInt32.self) else { return nil }
            mask = WebSocketMask(key)
            size += 4
        }
        return WebSocketFrameHeader(fin: fin, opcode: opcode, mask: mask, length: length, size: size)
    }

    /// The opcode of the first header byte; throws for reserved bits or a reserved opcode.
    private static func opcode(_ first: UInt8) throws(WebSocketProtocolError) -> WebSocketOpcode {
        if first & 0x70 != 0 {
            let bits = [(0x40, "RSV1"), (0x20, "RSV2"), (0x10, "RSV3")].filter { Int(first) & $0.0 != 0 }
            throw WebSocketProtocolError(
                .reservedBits,
                "a frame with \(bits.map(\.1).joined(separator: ", ")) set (no extension was negotiated)"
            )
        }
        let raw = first & 0x0F
        switch raw {
        case 0x0, 0x1, 0x2, 0x8, 0x9, 0xA:
            return WebSocketOpcode(encodedWebSocketOpcode: raw)!
        default:
            throw WebSocketProtocolError(.reservedOpcode, "a frame with reserved opcode \(raw)")
        }
    }
}
