import NIOCore
import NIOWebSocket
import Testing

@testable import IMCore
@testable import IMWire

/// The WebSocket codec on its own: every input fed whole, split in two at every point, and byte by byte.
@Suite("WebSocket message reader and writer")
struct WebSocketMessageReaderTests {
    static let key: UInt32 = 0xA1B2_C3D4

    /// A client's frame (masked).
    static func frame(_ opcode: UInt8, _ payload: String, fin: Bool = true, rsv: UInt8 = 0) -> ByteBuffer {
        RawWebSocket.frameBytes(opcode, ByteBuffer(string: payload), fin: fin, rsv: rsv, mask: key)
    }

    static func closeFrame(_ code: UInt16, _ reason: [UInt8] = []) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeInteger(code)
        body.writeBytes(reason)
        return RawWebSocket.frameBytes(8, body, mask: key)
    }

    /// Reads `input` handed over in `chunks`: the messages, then the error if one was thrown.
    static func read(
        _ input: ByteBuffer,
        chunks: [Int],
        role: WebSocketRole = .server,
        maxMessageSize: Int = 1024
    ) -> (messages: [WebSocketMessage], error: WebSocketProtocolError?) {
        var reader = WebSocketMessageReader(role: role, maxMessageSize: maxMessageSize)
        var messages: [WebSocketMessage] = []
        var rest = input
        do throws(WebSocketProtocolError) {
            for size in chunks {
                reader.append(rest.readSlice(length: size)!)
                while let message = try reader.next() { messages.append(message) }
            }
        } catch {
            return (messages, error)
        }
        return (messages, nil)
    }

    /// The ways to hand `count` bytes over: whole, in two at every point, one byte at a time.
    static func splits(_ count: Int) -> [[Int]] {
        [[count], Array(repeating: 1, count: count)] + (1..<max(count, 1)).map { [$0, count - $0] }
    }

    static let valid: [(String, ByteBuffer, [WebSocketMessage])] = [
        ("binary", frame(2, "hello"), [.binary(ByteBuffer(string: "hello"))]),
        ("empty binary", frame(2, ""), [.binary(ByteBuffer())]),
        ("text", frame(1, "{}"), [.text(ByteBuffer(string: "{}"))]),
        (
            "fragments with a ping and an empty fragment between",
            frame(2, "hel", fin: false) + frame(9, "p") + frame(0, "", fin: false) + frame(0, "lo"),
            [.ping(ByteBuffer(string: "p")), .binary(ByteBuffer(string: "hello"))]
        ),
        ("text fragments", frame(1, "a", fin: false) + frame(0, "b"), [.text(ByteBuffer(string: "ab"))]),
        ("pong", frame(10, "x"), [.pong(ByteBuffer(string: "x"))]),
        ("close without body", frame(8, ""), [.close(nil)]),
        ("close 1000", closeFrame(1000, Array("bye".utf8)), [.close(.normalClosure)]),
        ("close 4999", closeFrame(4999), [.close(.unknown(4999))]),
        (
            "two messages",
            frame(2, String(repeating: "a", count: 200)) + frame(2, "b"),
            [.binary(ByteBuffer(string: String(repeating: "a", count: 200))), .binary(ByteBuffer(string: "b"))]
        ),
        (
            "at the size limit", frame(2, String(repeating: "z", count: 1024)),
            [.binary(ByteBuffer(repeating: 0x7A, count: 1024))]
        ),
    ]

    @Test(arguments: valid.indices)
    func validInputIsReadWhateverTheSplit(_ index: Int) {
        let (name, input, expected) = Self.valid[index]
        for chunks in Self.splits(input.readableBytes) {
            let result = Self.read(input, chunks: chunks)
            #expect(result.error == nil, "\(name) in chunks \(chunks)")
            #expect(result.messages == expected, "\(name) in chunks \(chunks)")
        }
    }

    static let invalid: [(String, ByteBuffer, WebSocketProtocolError.Code)] = [
        ("RSV1", frame(2, "x", rsv: 4), .reservedBits),
        ("RSV3", frame(2, "x", rsv: 1), .reservedBits),
        ("opcode 3", frame(3, "x"), .reservedOpcode),
        ("opcode 0xF", frame(0xF, ""), .reservedOpcode),
        ("unmasked", RawWebSocket.frameBytes(2, ByteBuffer(string: "x"), mask: nil), .badMasking),
        ("continuation first", frame(0, "x"), .unexpectedContinuation),
        ("binary in a fragmented message", frame(2, "a", fin: false) + frame(2, "b"), .interruptedMessage),
        ("fragmented ping", frame(9, "", fin: false), .fragmentedControlFrame),
        ("long ping", frame(9, String(repeating: "p", count: 126)), .longControlFrame),
        ("too large", frame(2, String(repeating: "z", count: 1025)), .messageTooLarge),
        (
            "joined too large",
            frame(2, String(repeating: "z", count: 1000), fin: false) + frame(0, String(repeating: "z", count: 25)),
            .messageTooLarge
        ),
        ("close with 1 byte", RawWebSocket.frameBytes(8, ByteBuffer(bytes: [3]), mask: key), .badClosePayload),
        ("close 1005", closeFrame(1005), .badCloseCode),
        ("close 2999", closeFrame(2999), .badCloseCode),
        ("close reason not UTF-8", closeFrame(1000, [0xFF]), .invalidCloseReason),
        ("top bit of a 64-bit length", ByteBuffer(bytes: [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1]), .badLength),
    ]

    @Test(arguments: invalid.indices)
    func brokenRulesThrowWhateverTheSplit(_ index: Int) {
        let (name, input, code) = Self.invalid[index]
        for chunks in Self.splits(input.readableBytes) {
            let result = Self.read(input, chunks: chunks)
            #expect(result.error?.code == code, "\(name) in chunks \(chunks)")
            #expect(!result.messages.contains { if case .binary = $0 { true } else { false } }, "\(name)")
        }
    }

    @Test func aLengthIsRefusedFromItsHeaderAlone() {
        // A header announcing 2^40 bytes: refused before any payload arrives, nothing allocated for it.
        let header = ByteBuffer(bytes: [0x82, 0xFF, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4])
        let result = Self.read(header, chunks: [header.readableBytes])
        #expect(result.error?.code == .messageTooLarge)
    }

    @Test func aClientReadsUnmaskedFramesAndRefusesMaskedOnes() {
        let unmasked = RawWebSocket.frameBytes(2, ByteBuffer(string: "ok"), mask: nil)
        #expect(
            Self.read(unmasked, chunks: [unmasked.readableBytes], role: .client).messages == [
                .binary(ByteBuffer(string: "ok"))
            ]
        )
        let masked = Self.frame(2, "no")
        #expect(Self.read(masked, chunks: [masked.readableBytes], role: .client).error?.code == .badMasking)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 125, 126, 65_535, 65_536, 70_000])
    func whatAClientWritesAServerReads(size: Int) throws {
        let payload = ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        var writer = WebSocketMessageWriter(role: .client)
        var bytes = ByteBuffer()
        writer.write(.binary, payload, into: &bytes)
        writer.writeClose(.goingAway, into: &bytes)
        // Masked: the payload does not travel as it is.
        if size >= 8 { #expect(bytes.readableBytesView.firstRange(of: payload.readableBytesView) == nil) }
        var reader = WebSocketMessageReader(role: .server, maxMessageSize: 1 << 20)
        reader.append(bytes)
        #expect(try reader.next() == .binary(payload))
        #expect(try reader.next() == .close(.goingAway))
        #expect(try reader.next() == nil)
    }

    @Test func whatAServerWritesIsUnmaskedAndReadByAClient() throws {
        var writer = WebSocketMessageWriter(role: .server)
        var bytes = ByteBuffer()
        writer.write(.pong, ByteBuffer(string: "abc"), into: &bytes)
        writer.writeClose(nil, into: &bytes)
        #expect(Array(bytes.readableBytesView) == [0x8A, 3, 0x61, 0x62, 0x63, 0x88, 0])
        var reader = WebSocketMessageReader(role: .client, maxMessageSize: 1024)
        reader.append(bytes)
        #expect(try reader.next() == .pong(ByteBuffer(string: "abc")))
        #expect(try reader.next() == .close(nil))
    }
}
