import AsyncHTTPClient
import Foundation
import IMCore
import NIOCore
import NIOWebSocket
import Testing

/// A server with TCP and WebSocket listeners (and WSS when `certificates` are given).
func withWebSocketServer<T>(
    certificates: TestCertificates? = nil,
    _ body: (TestServer) async throws -> T
) async throws -> T {
    try await withTestServer(configure: { configuration in
        configuration.webSocketAddress = .init(host: "127.0.0.1", port: 0)
        if let certificates {
            configuration.tls = certificates.files
            configuration.secureWebSocketAddress = .init(host: "127.0.0.1", port: 0)
        }
    }) { server in try await body(server) }
}

/// Decodes a server message: it must hold exactly one whole frame.
func onlyFrame(_ message: WebSocketFrame) throws -> IMFrame {
    #expect(message.opcode == .binary)
    #expect(message.fin)
    var bytes = message.unmaskedData
    var decoder = IMFrameDecoder(maxBodySize: 1 << 20)
    let frame = try #require(try decoder.decode(buffer: &bytes), "a message without a whole frame")
    #expect(bytes.readableBytes == 0, "a message with more than one frame")
    return frame
}

@Suite("WebSocket transport")
struct WebSocketTransportTests {
    func authFrame(_ token: String, seq: Int32 = 1) -> IMFrame {
        IMFrame(
            seq: seq,
            command: .authToken,
            version: 2,
            body: IMAuthToken(platform: .web, token: token, deviceID: "").body()
        )
    }

    @Test func messagingOverWebSocketAndWSS() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try await withWebSocketServer(certificates: certificates) { server in
            let receiver = try await server.client(uid: 2, over: .webSocket())
            let secureReceiver = try await server.client(uid: 2, over: try certificates.wss(), device: "device-2")
            let sender = try await server.client(uid: 1, over: .webSocket(), device: "device-3")
            let ack = try await sender.send(peerMessage(1, 2, "over ws"))
            #expect(ack.status == .success)
            #expect(ack.metadata != nil)
            for client in [receiver, secureReceiver] {
                let pushed = try await client.next { $0.frame.command == .im }
                #expect(pushed.message.map { String(buffer: $0.content) } == "over ws")
                #expect(pushed.metadata != nil, "METADATA arrives before the message")
            }
            // A message past 125 bytes takes the 16-bit length both ways.
            let large = String(repeating: "x", count: 20_000)
            #expect(try await sender.send(peerMessage(1, 2, large)).status == .success)
            let pushedLarge = try await receiver.next { $0.frame.command == .im }
            #expect(pushedLarge.message.map { String(buffer: $0.content) } == large)
            #expect(try await secureReceiver.syncAll(from: 0).messages.count == 2)
            #expect(try await secureReceiver.tlsPeerCertificate?.commonName == "first")
            let transports = try #require(try await server.summary()["transports"] as? [String: [String: Int]])
            #expect(transports["ws"]?["connections"] == 2)
            #expect(transports["wss"]?["connections"] == 1)
            #expect(transports["tcp"]?["connections"] == 0)
        }
    }

    @Test func aTCPAndAWebSocketSessionOfOneUserBothReceive() async throws {
        try await withWebSocketServer { server in
            let onTCP = try await server.client(uid: 2, device: "phone")
            let onWebSocket = try await server.client(uid: 2, over: .webSocket(), device: "", platform: .web)
            let sender = try await server.client(uid: 1)
            for index in 0..<3 {
                #expect(try await sender.send(peerMessage(1, 2, "both \(index)")).status == .success)
            }
            for client in [onTCP, onWebSocket] {
                let texts = try await client.collect(3, .im).compactMap {
                    $0.message.map { String(buffer: $0.content) }
                }
                #expect(texts == ["both 0", "both 1", "both 2"])
            }
            // And the other way round: the WebSocket session sends, the user's TCP session gets the copy.
            #expect(try await onWebSocket.send(peerMessage(2, 1, "from the browser")).status == .success)
            let copy = try await onTCP.next { $0.frame.command == .im }
            #expect(copy.message.map { String(buffer: $0.content) } == "from the browser")
        }
    }

    @Test func everyServerFrameIsItsOwnBinaryMessage() async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            defer { Task { await raw.close() } }
            try await raw.sendBinary([authFrame(try await server.token(uid: 2))])
            #expect(try onlyFrame(try #require(try await raw.next())).command == .authStatus)
            let sender = try await server.client(uid: 1)
            #expect(try await sender.send(peerMessage(1, 2, "split")).status == .success)
            // METADATA, the message and SYNC_NOTIFY: three messages of one frame each.
            let commands = try await (0..<3).asyncMap { _ in try onlyFrame(try #require(try await raw.next())).command }
            #expect(commands == [.metadata, .im, .syncNotify])
        }
    }

    @Test func bytesAfterTheFirstFrameOfAMessageAreIgnored() async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            defer { Task { await raw.close() } }
            let ping = IMFrame(seq: 1, command: .ping, version: 2, body: ByteBuffer())
            // Two PINGs in one message: one PONG (PROTOCOL.md §1.1).
            try await raw.sendBinary([ping, ping])
            try await raw.sendBinary([IMFrame(seq: 2, command: .ping, version: 2, body: ByteBuffer())])
            let first = try onlyFrame(try #require(try await raw.next()))
            let second = try onlyFrame(try #require(try await raw.next()))
            #expect([first.command, second.command] == [.pong, .pong])
            // Nothing else was answered: the next thing to arrive answers the next thing sent.
            try await raw.send(.ping, ByteBuffer(string: "marker"))
            #expect(try await raw.next()?.opcode == .pong)
        }
    }

    @Test func webSocketPingIsAnsweredWithPong() async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            defer { Task { await raw.close() } }
            try await raw.send(.ping, ByteBuffer(string: "are you there"))
            let pong = try #require(try await raw.next())
            #expect(pong.opcode == .pong)
            #expect(String(buffer: pong.unmaskedData) == "are you there")
        }
    }

    @Test func textMessagesCloseTheConnection() async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            try await raw.send(.text, ByteBuffer(string: "{\"hello\":1}"))
            #expect(try await raw.closeCode() == .unacceptableData)
            try await raw.channel.closeFuture.get()
            try await eventually("the protocol error is counted") {
                try await server.summary()["protocol_error_count"] as? Int == 1
            }
        }
    }

    @Test func oversizeMessagesCloseTheConnection() async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            try await raw.send(.binary, ByteBuffer(repeating: 0, count: (64 << 10) + 1))
            #expect(try await raw.closeCode() == .messageTooLarge)
            try await raw.channel.closeFuture.get()

            // Fragments that add up past the limit, too.
            let fragmented = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            try await fragmented.send(.binary, ByteBuffer(repeating: 0, count: 40 << 10), fin: false)
            try await fragmented.send(.continuation, ByteBuffer(repeating: 0, count: 40 << 10), fin: true)
            #expect(try await fragmented.closeCode() == .messageTooLarge)

            // A message that is not a whole frame, and a frame with a bad length, likewise.
            let partial = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            try await partial.send(.binary, ByteBuffer(bytes: [0, 0, 0, 8, 0, 0, 0, 1, 13, 2, 0, 0, 1, 2]))
            #expect(try await partial.closeCode() == .protocolError)
            try await eventually("three protocol errors are counted") {
                try await server.summary()["protocol_error_count"] as? Int == 3
            }
            // Others are not affected.
            let client = try await server.client(uid: 1, over: .webSocket())
            try await client.ping()
        }
    }

    @Test func aFragmentedMessageCarriesOneFrame() async throws {
        try await withWebSocketServer { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            defer { Task { await raw.close() } }
            var bytes = ByteBuffer()
            bytes.writeIMFrame(authFrame(try await server.token(uid: 5)))
            let head = bytes.readSlice(length: 7)!
            try await raw.send(.binary, head, fin: false)
            try await raw.send(.continuation, bytes, fin: true)
            let status = try onlyFrame(try #require(try await raw.next()))
            #expect(status.command == .authStatus)
            #expect(status.body.getInteger(at: status.body.readerIndex, as: Int32.self) == 0)
        }
    }

    @Test func otherPathsAndPlainRequestsAreRefused() async throws {
        try await withWebSocketServer { server in
            let base = "http://127.0.0.1:\(server.addresses.webSocket!.port)"
            for (path, expected) in [("/", 404), ("/ws", 426), ("/websocket", 404)] {
                let response = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: base + path),
                    timeout: .seconds(10)
                )
                #expect(Int(response.status.code) == expected, "\(path)")
                _ = try await response.body.collect(upTo: 1 << 16)
            }
            await #expect(throws: (any Error).self) {
                _ = try await RawWebSocket.connect(port: server.addresses.webSocket!.port, path: "/other")
            }
            // A query string on /ws is fine (browsers' SDKs add one).
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port, path: "/ws?v=2")
            await raw.close()
        }
    }

    @Test func anIdleWebSocketIsClosed() async throws {
        try await withTestServer(configure: { configuration in
            configuration.webSocketAddress = .init(host: "127.0.0.1", port: 0)
            // Long enough that the handshake itself is never cut short on a loaded machine (one that starves
            // the test process for seconds at a time).
            configuration.session.idleTimeout = .seconds(10)
        }) { server in
            let raw = try await RawWebSocket.connect(port: server.addresses.webSocket!.port)
            #expect(try await raw.closeCode() == .normalClosure)
            // A connection that never upgrades is closed after the same time.
            let plain = try await IMClient.connect(host: "127.0.0.1", port: server.addresses.webSocket!.port)
            try await plain.waitUntilClosed()
            try await eventually("the idle close is counted") {
                try await server.summary()["idle_closed_count"] as? Int == 1
            }
        }
    }
}

extension Sequence {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
