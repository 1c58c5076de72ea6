import NIOCore

/// A WebSocket masking key (RFC 6455 §5.3): payload byte `i` is XORed with key byte `i % 4`, the key
/// bytes in the order they travel. Masking and unmasking are the same operation.
struct WebSocketMask {
    /// The key as the 32-bit big-endian integer that travels in the frame header.
    let key: UInt32
    /// The key bytes repeated twice, laid out in memory in wire order: 8 bytes XORed at a time.
    private let pattern: UInt64

    init(_ key: UInt32) {
        self.key = key
        let wireOrder = UInt64(key.bigEndian)
        pattern = wireOrder | wireOrder << 32
    }

    /// Writes `source` XORed with the key (from its first byte) to `destination`, which may be `source`
    /// itself and must be at least as long.
    func apply(from source: UnsafeRawBufferPointer, to destination: UnsafeMutableRawBufferPointer) {
        let count = source.count
        precondition(destination.count >= count, "the mask destination is shorter than its source")
        var index = 0
        while index + 8 <= count {
            let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            destination.storeBytes(of: word ^ pattern, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            let shift = UInt32(24 - 8 * (index & 3))
            destination[index] = source[index] ^ UInt8(truncatingIfNeeded: key >> shift)
            index += 1
        }
    }
}

extension ByteBuffer {
    /// Appends `source`'s readable bytes masked (or unmasked) with `mask`, in one pass.
    mutating func writeMasked(_ source: ByteBuffer, _ mask: WebSocketMask) {
        let count = source.readableBytes
        guard count > 0 else { return }
        writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
            source.withUnsafeReadableBytes { mask.apply(from: $0, to: destination) }
            return count
        }
    }
}

/// SplitMix64, seeded once per connection from the system's random source: masking keys nobody on the
/// path can predict, without a system call per frame.
struct WebSocketMaskGenerator {
    private var state = UInt64.random(in: .min ... .max)

    mutating func next() -> WebSocketMask {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return WebSocketMask(UInt32(truncatingIfNeeded: z ^ (z >> 31)))
    }
}
