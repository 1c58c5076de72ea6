import IMCore
import NIOCore
import NIOWebSocket
import Testing

/// The server's side of RFC 6455 over a real socket, with a raw client that writes exact bytes.
@Suite("WebSocket RFC 6455 rules (server)")
struct WebSocketConformanceTests {
    /// A protocol PING: 12 bytes the server answers with a PONG frame even before a login, so a PONG
    /// message shows the bytes were served.
    static let probe = RawWebSocket.encode([IMFrame(seq: 7, command: .ping, version: 2, body: ByteBuffer())])
    static let key: UInt32 = 0x0BAD_F00D

    /// Masked client frame bytes with the raw `opcode`.
    static func frame(_ opcode: UInt8, _ payload: ByteBuffer, fin: Bool = true, rsv: UInt8 = 0) -> ByteBuffer {
        RawWebSocket.frameBytes(opcode, payload, fin: fin, rsv: rsv, mask: key)
    }

    static func slice(_ bytes: ByteBuffer, _ range: Range<Int>) -> ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count)!
    }

    static func closeBody(_ code: UInt16, _ reason: [UInt8] = []) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeInteger(code)
        body.writeBytes(reason)
        return body
    }

    @Test(arguments: [false, true])
    func fragmentsAreJoinedWithPingsBetween(dripFed: Bool) async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            defer { Task { await raw.close() } }
            let probe = Self.probe
            var bytes = Self.frame(2, Self.slice(probe, 0..<5), fin: false)
            bytes.writeImmutableBuffer(Self.frame(0, ByteBuffer(), fin: false))
            bytes.writeImmutableBuffer(Self.frame(9, ByteBuffer(string: "between")))
            bytes.writeImmutableBuffer(Self.frame(0, Self.slice(probe, 5..<9), fin: false))
            bytes.writeImmutableBuffer(Self.frame(0, Self.slice(probe, 9..<12), fin: true))
            if dripFed { try await raw.drip(bytes) } else { try await raw.write(bytes) }
            // The ping is answered at once, before the message it interrupted is whole.
            let pong = try #require(try await raw.next())
            #expect(pong.opcode == .pong)
            #expect(String(buffer: pong.unmaskedData) == "between")
            #expect(try onlyFrame(try #require(try await raw.next())).command == .pong)
        }
    }

    @Test func theSizeLimitAppliesToTheJoinedMessage() async throws {
        try await withWebSocketServer { server in
            let limit = 64 << 10
            let port = server.addresses.webSocket!.port
            // Exactly the limit, in three fragments: served (bytes after the frame are ignored).
            var message = Self.probe
            message.writeRepeatingByte(0, count: limit - message.readableBytes)
            let atLimit = try await RawWebSocket.connect(port: port)
            var bytes = Self.frame(2, Self.slice(message, 0..<20_000), fin: false)
            bytes.writeImmutableBuffer(Self.frame(0, Self.slice(message, 20_000..<40_000), fin: false))
            bytes.writeImmutableBuffer(Self.frame(0, Self.slice(message, 40_000..<limit)))
            try await atLimit.write(bytes)
            #expect(try onlyFrame(try #require(try await atLimit.next())).command == .pong)
            await atLimit.close()
            // One byte more: closed with 1009, nothing served.
            message.writeInteger(UInt8(0))
            let past = try await RawWebSocket.connect(port: port)
            bytes = Self.frame(2, Self.slice(message, 0..<20_000), fin: false)
            bytes.writeImmutableBuffer(Self.frame(0, Self.slice(message, 20_000..<40_000), fin: false))
            bytes.writeImmutableBuffer(Self.frame(0, Self.slice(message, 40_000..<limit + 1)))
            try await past.write(bytes)
            let (before, close) = try await past.untilClose()
            #expect(before.isEmpty)
            var code = try #require(close).unmaskedData
            #expect(code.readWebSocketErrorCode() == .messageTooLarge)
            try await past.channel.closeFuture.get()
        }
    }

    /// Bytes that break a rule, and the close code they must get.
    struct Violation: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: ByteBuffer
        var code: WebSocketErrorCode

        var testDescription: String { name }
    }

    static let violations: [Violation] = {
        let probe = Self.probe
        let half = Self.slice(probe, 0..<6)
        var list = [
            Violation(name: "RSV1", bytes: frame(2, probe, rsv: 4), code: .protocolError),
            Violation(name: "RSV2", bytes: frame(2, probe, rsv: 2), code: .protocolError),
            Violation(name: "RSV3", bytes: frame(2, probe, rsv: 1), code: .protocolError),
            Violation(
                name: "unmasked",
                bytes: RawWebSocket.frameBytes(2, probe, mask: nil),
                code: .protocolError
            ),
            Violation(name: "continuation first", bytes: frame(0, probe), code: .protocolError),
            Violation(
                name: "binary inside a fragmented message",
                bytes: frame(2, half, fin: false) + frame(2, probe),
                code: .protocolError
            ),
            Violation(
                name: "text inside a fragmented message",
                bytes: frame(2, half, fin: false) + frame(1, ByteBuffer(string: "x")),
                code: .protocolError
            ),
            Violation(
                name: "ping of 126 bytes",
                bytes: frame(9, ByteBuffer(repeating: 1, count: 126)),
                code: .protocolError
            ),
            Violation(
                name: "fragmented ping",
                bytes: frame(9, ByteBuffer(string: "p"), fin: false),
                code: .protocolError
            ),
            Violation(name: "fragmented close", bytes: frame(8, closeBody(1000), fin: false), code: .protocolError),
            Violation(
                name: "close of 126 bytes",
                bytes: frame(8, closeBody(1000, Array(repeating: 0x61, count: 124))),
                code: .protocolError
            ),
            Violation(name: "close with a 1-byte body", bytes: frame(8, ByteBuffer(bytes: [3])), code: .protocolError),
            Violation(
                name: "close reason not UTF-8",
                bytes: frame(8, closeBody(1000, [0xC3, 0x28])),
                code: .dataInconsistentWithMessage
            ),
            Violation(name: "text message", bytes: frame(1, ByteBuffer(string: "{}")), code: .unacceptableData),
            Violation(name: "binary message without a whole frame", bytes: frame(2, half), code: .protocolError),
            Violation(
                name: "64-bit length with the top bit set",
                bytes: ByteBuffer(bytes: [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 12, 1, 2, 3, 4]),
                code: .protocolError
            ),
        ]
        for opcode: UInt8 in [3, 7, 0xB, 0xF] {
            list.append(Violation(name: "reserved opcode \(opcode)", bytes: frame(opcode, probe), code: .protocolError))
        }
        for closeCode: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
            list.append(
                Violation(name: "close code \(closeCode)", bytes: frame(8, closeBody(closeCode)), code: .protocolError)
            )
        }
        return list
    }()

    @Test(arguments: violations)
    func aBrokenRuleFailsTheConnection(_ violation: Violation) async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            // A well-formed protocol PING right behind, in the same write: it must not be served either.
            try await raw.write(violation.bytes + Self.frame(2, Self.probe))
            let (before, close) = try await raw.untilClose()
            #expect(before.isEmpty, "served before the close: \(before.map(\.opcode))")
            var body = try #require(close, "no close frame").unmaskedData
            #expect(body.readWebSocketErrorCode() == violation.code)
            try await raw.channel.closeFuture.get()
            try await eventually("the protocol error is counted") {
                try await server.summary()["protocol_error_count"] as? Int == 1
            }
        }
    }

    @Test(arguments: [1000, 1001, 1012, 3000, 4999])
    func aCloseIsAnsweredWithItsCode(code: Int) async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            try await raw.write(Self.frame(8, Self.closeBody(UInt16(code), Array("bye".utf8))))
            let (before, close) = try await raw.untilClose()
            #expect(before.isEmpty)
            var body = try #require(close).unmaskedData
            #expect(body.readWebSocketErrorCode() == WebSocketErrorCode(codeNumber: code))
            #expect(body.readableBytes == 0)
            try await raw.channel.closeFuture.get()
            #expect(try await server.summary()["protocol_error_count"] as? Int == 0)
        }
    }

    @Test func aCloseWithoutBodyIsAnsweredWithoutBody() async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            try await raw.write(Self.frame(8, ByteBuffer()))
            let close = try #require(try await raw.untilClose().close)
            #expect(close.unmaskedData.readableBytes == 0)
            try await raw.channel.closeFuture.get()
        }
    }

    @Test func answersToWhatCameBeforeACloseGoFirstAndNothingAfterIsServed() async throws {
        try await withWebSocketServer { server in
            let port = server.addresses.webSocket!.port
            let before = try await RawWebSocket.connect(port: port)
            try await before.write(Self.frame(2, Self.probe) + Self.frame(8, Self.closeBody(1000)))
            let answered = try await before.untilClose()
            #expect(try answered.before.map { try onlyFrame($0).command } == [.pong])
            #expect(answered.close != nil)

            let after = try await RawWebSocket.connect(port: port)
            try await after.write(Self.frame(8, Self.closeBody(1000)) + Self.frame(2, Self.probe))
            let ignored = try await after.untilClose()
            #expect(ignored.before.isEmpty)
            #expect(ignored.close != nil)
            try await after.channel.closeFuture.get()
        }
    }
}

extension ByteBuffer {
    /// The two buffers' readable bytes, one after the other.
    static func + (lhs: ByteBuffer, rhs: ByteBuffer) -> ByteBuffer {
        var joined = lhs
        joined.writeImmutableBuffer(rhs)
        return joined
    }
}
