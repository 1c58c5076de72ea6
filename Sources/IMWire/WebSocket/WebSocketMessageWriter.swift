import NIOCore
import NIOWebSocket

/// Encodes WebSocket messages (RFC 6455 §5.2), each as one unfragmented frame, into a buffer the caller
/// owns, so a run of messages is one buffer and one write: a server's frames unmasked (a header and a
/// copy), a client's masked with keys from a per-connection `WebSocketMaskGenerator` (the masking done
/// while copying).
struct WebSocketMessageWriter {
    let role: WebSocketRole
    private var masks: WebSocketMaskGenerator?

    init(role: WebSocketRole) {
        self.role = role
        masks = role == .client ? WebSocketMaskGenerator() : nil
    }

    /// The largest header of a message up to 65,535 bytes long: for sizing buffers.
    var shortHeaderSize: Int { role == .client ? 8 : 4 }

    /// Appends one message: FIN and the opcode, the mask bit and the length in 7, 7+16 or 7+64 bits, the
    /// masking key (client), the payload.
    mutating func write(_ opcode: WebSocketOpcode, _ payload: ByteBuffer, into buffer: inout ByteBuffer) {
        let length = payload.readableBytes
        let maskBit: UInt8 = masks == nil ? 0 : 0x80
        buffer.writeInteger(UInt8(0x80) | UInt8(webSocketOpcode: opcode))
        switch length {
        case ..<126: buffer.writeInteger(maskBit | UInt8(length))
        case ...Int(UInt16.max): buffer.writeMultipleIntegers(maskBit | 126, UInt16(length))
        default: buffer.writeMultipleIntegers(maskBit | 127, UInt64(length))
        }
        guard masks != nil else {
            buffer.writeImmutableBuffer(payload)
            return
        }
        let mask = masks!.next()
        buffer.writeInteger(mask.key)
        buffer.writeMasked(payload, mask)
    }

    /// Appends a close frame carrying `code`, or no body when `code` is nil (the answer to a close frame
    /// without one: §5.5.1).
    mutating func writeClose(_ code: WebSocketErrorCode?, into buffer: inout ByteBuffer) {
        var payload = ByteBuffer()
        if let code { payload.write(webSocketErrorCode: code) }
        write(.connectionClose, payload, into: &buffer)
    }
}
