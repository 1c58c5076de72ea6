import IMCore
import NIOCore
import NIOWebSocket
import Testing

/// `IMClient`'s side of RFC 6455 over a real socket, against a raw server that writes exact bytes: the
/// same framing code as the server's, in the client role.
@Suite("WebSocket RFC 6455 rules (client)")
struct WebSocketClientTests {
    /// A connected client and the server's end of its connection.
    func withClient<T>(
        maxMessageSize: Int = 1 << 20,
        _ body: (IMClient, RawWebSocket) async throws -> T
    ) async throws -> T {
        let server = try await WebSocketRawServer.start()
        var transport = IMClientTransport.webSocket()
        transport.maxWebSocketMessageSize = maxMessageSize
        do {
            let client = try await IMClient.connect(host: "127.0.0.1", port: server.port, transport: transport)
            let peer = try await server.accept()
            let result = try await body(client, peer)
            try? await client.close()
            await peer.close()
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// The client's next message, which must be masked (RFC 6455 §5.1).
    func nextMasked(_ peer: RawWebSocket) async throws -> WebSocketFrame {
        let frame = try #require(try await peer.next(), "the client closed")
        #expect(frame.maskKey != nil, "an unmasked \(frame.opcode) frame from the client")
        return frame
    }

    @Test(arguments: [false, true])
    func fragmentedServerMessagesAndPingsBetweenThem(dripFed: Bool) async throws {
        try await withClient { client, peer in
            let ping = Task { try await client.ping() }
            let request = try onlyFrame(try await nextMasked(peer))
            #expect(request.command == .ping)
            let pong = RawWebSocket.encode([IMFrame(seq: request.seq, command: .pong, version: 2, body: ByteBuffer())])
            var bytes = peer.frameBytes(.binary, pong.getSlice(at: 0, length: 4)!, fin: false)
            bytes.writeImmutableBuffer(peer.frameBytes(.ping, ByteBuffer(string: "are you there")))
            bytes.writeImmutableBuffer(peer.frameBytes(.continuation, ByteBuffer(), fin: false))
            bytes.writeImmutableBuffer(peer.frameBytes(.continuation, pong.getSlice(at: 4, length: 8)!))
            if dripFed { try await peer.drip(bytes) } else { try await peer.write(bytes) }
            try await ping.value
            let answer = try await nextMasked(peer)
            #expect(answer.opcode == .pong)
            #expect(String(buffer: answer.unmaskedData) == "are you there")
        }
    }

    @Test func aServerCloseIsAnsweredWithItsCode() async throws {
        try await withClient { client, peer in
            var body = ByteBuffer()
            body.writeInteger(UInt16(4000))
            body.writeString("going")
            try await peer.send(.connectionClose, body)
            let close = try await nextMasked(peer)
            #expect(close.opcode == .connectionClose)
            var data = close.unmaskedData
            #expect(data.readWebSocketErrorCode() == .unknown(4000))
            try await client.waitUntilClosed()
        }
    }

    /// Server frames that break a rule, and the close code the client must answer with.
    static let violations: [(String, ByteBuffer, WebSocketErrorCode)] = [
        ("masked", RawWebSocket.frameBytes(2, pongFrame, mask: 0x1234_5678), .protocolError),
        ("RSV1", RawWebSocket.frameBytes(2, pongFrame, rsv: 4, mask: nil), .protocolError),
        ("reserved opcode", RawWebSocket.frameBytes(0xB, ByteBuffer(), mask: nil), .protocolError),
        ("continuation first", RawWebSocket.frameBytes(0, pongFrame, mask: nil), .protocolError),
        ("text", RawWebSocket.frameBytes(1, ByteBuffer(string: "hello"), mask: nil), .unacceptableData),
        (
            "fragments past the limit",
            RawWebSocket.frameBytes(2, ByteBuffer(repeating: 0, count: 600), fin: false, mask: nil)
                + RawWebSocket.frameBytes(0, ByteBuffer(repeating: 0, count: 600), mask: nil),
            .messageTooLarge
        ),
    ]
    static let pongFrame = RawWebSocket.encode([IMFrame(seq: 1, command: .pong, version: 2, body: ByteBuffer())])

    @Test(arguments: violations.indices)
    func brokenServerFramingFailsTheConnection(_ index: Int) async throws {
        let (name, bytes, code) = Self.violations[index]
        try await withClient(maxMessageSize: 1024) { client, peer in
            try await peer.write(bytes)
            let close = try await nextMasked(peer)
            #expect(close.opcode == .connectionClose, "\(name)")
            var data = close.unmaskedData
            #expect(data.readWebSocketErrorCode() == code, "\(name)")
            try await client.waitUntilClosed()
        }
    }
}
