import NIOCore
import NIOTestUtils
import Testing

@testable import IMWire

@Suite("Wire")
struct WireTests {
    static func bytes(_ hex: String) -> ByteBuffer {
        let digits = Array(hex.filter(\.isHexDigit))
        var buffer = ByteBuffer()
        for index in stride(from: 0, to: digits.count, by: 2) {
            buffer.writeInteger(UInt8(String(digits[index...index + 1]), radix: 16)!)
        }
        return buffer
    }

    static func hex(_ buffer: ByteBuffer) -> String {
        buffer.readableBytesView.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test func authFrameMatchesTheReferenceExample() throws {
        let wire = Self.bytes("00000008 00000001 0f 02 00 00 | 02 03 616263 02 6431")
        var decoder = IMFrameDecoder.forClients
        var input = wire
        let frame = try #require(try decoder.decode(buffer: &input))
        #expect(frame.seq == 1 && frame.command == .authToken && frame.version == 2 && frame.flags == [])
        #expect(
            try IMClientRequest(frame: frame)
                == .authenticate(IMAuthToken(platform: .android, token: "abc", deviceID: "d1"))
        )
        var out = ByteBuffer()
        out.writeIMFrame(
            IMFrame(
                seq: 1,
                command: .authToken,
                version: 2,
                body: IMAuthToken(platform: .android, token: "abc", deviceID: "d1").body()
            )
        )
        #expect(out == wire)

        var reply = ByteBuffer()
        reply.writeIMFrame(IMFrame(seq: 1, command: .authStatus, version: 2, body: IMScalarBody.int32(0)))
        #expect(Self.hex(reply) == "000000040000000103020000" + "00000000")
    }

    @Test func peerMessageMatchesTheReferenceExample() throws {
        let content = ByteBuffer(string: #"{"text":"hi"}"#)
        let message = IMMessage(sender: 1, receiver: 2, timestamp: 0, msgID: 9, content: content)
        var out = ByteBuffer()
        out.writeIMFrame(IMFrame(seq: 5, command: .im, version: 2, flags: .text, body: message.body(version: 2)))
        #expect(
            Self.hex(out)
                == "00000025" + "00000005" + "04020100" + "0000000000000001" + "0000000000000002" + "00000000"
                + "00000009" + "7b2274657874223a226869227d"
        )
        var decoder = IMFrameDecoder.forClients
        let frame = try #require(try decoder.decode(buffer: &out))
        #expect(try IMClientRequest(frame: frame) == .peerMessage(message))
        #expect(frame.flags == .text)
    }

    @Test(arguments: [UInt8(0), 1, 2, 7])
    func messageBodiesRoundTripInEveryVersion(version: UInt8) throws {
        let message = IMMessage(
            sender: -5,
            receiver: 1 << 40,
            timestamp: version == 0 ? 0 : 1_700_000_000,
            msgID: -1,
            content: ByteBuffer(string: "héllo")
        )
        let body = message.body(version: version)
        #expect(body.readableBytes == (version == 0 ? 20 : 24) + 6)
        #expect(try IMMessage(body: body, version: version) == message)

        let ack = IMMessageACK(seq: 77, status: .notGroupMember)
        let ackBody = ack.body(version: version)
        #expect(ackBody.readableBytes == (version >= 2 ? 5 : 4))
        #expect(IMMessageACK(body: ackBody, version: version) == (version >= 2 ? ack : IMMessageACK(seq: 77)))
    }

    @Test func ackV2AndV1MatchTheReference() {
        #expect(Self.hex(IMMessageACK(seq: 5).body(version: 2)) == "0000000500")
        #expect(Self.hex(IMMessageACK(seq: 5).body(version: 1)) == "00000005")
        // Short ACK bodies are accepted (GoBelieve's decoder never fails).
        #expect(IMMessageACK(body: ByteBuffer(), version: 2) == IMMessageACK(seq: 0))
    }

    @Test func metadataIs32Bytes() throws {
        let metadata = IMMetadata(syncKey: 300, previousSyncKey: 200)
        let body = metadata.body()
        #expect(Self.hex(body) == "000000000000012c" + "00000000000000c8" + String(repeating: "0", count: 32))
        #expect(try IMMetadata(body: body) == metadata)
    }

    @Test func everyClientRequestDecodes() throws {
        func request(_ command: IMCommand, _ body: ByteBuffer, version: UInt8 = 2) throws -> IMClientRequest {
            try IMClientRequest(frame: IMFrame(command: command, version: version, body: body))
        }
        #expect(try request(.ping, ByteBuffer()) == .ping)
        #expect(try request(.pong, ByteBuffer()) == .pong)
        #expect(try request(.sync, IMScalarBody.int64(42)) == .sync(key: 42))
        #expect(try request(.syncKey, IMScalarBody.int64(43)) == .syncKey(43))
        #expect(try request(.syncGroup, IMScalarBody.pair(9, 44)) == .syncGroup(groupID: 9, key: 44))
        #expect(try request(.groupSyncKey, IMScalarBody.pair(9, 45)) == .groupSyncKey(groupID: 9, key: 45))
        #expect(try request(.enterRoom, IMScalarBody.int64(3)) == .enterRoom(roomID: 3))
        #expect(try request(.leaveRoom, IMScalarBody.int64(3)) == .leaveRoom(roomID: 3))
        #expect(try request(.unreadCount, IMScalarBody.int32(12)) == .unreadCount(12))
        #expect(try request(.customer, ByteBuffer(string: "x")) == .deprecated(.customer))
        let rt = IMRealtimeMessage(sender: 1, receiver: 2, content: ByteBuffer(string: "typing"))
        #expect(try request(.rt, rt.body()) == .realtime(rt))
        #expect(try request(.roomIM, rt.body()) == .roomMessage(rt))
        let customer = IMCustomerMessage(
            senderAppID: 1,
            sender: 2,
            receiverAppID: 3,
            receiver: 4,
            timestamp: 5,
            content: ByteBuffer(string: "c")
        )
        #expect(customer.body().readableBytes == 37)
        #expect(try request(.customerV2, customer.body()) == .customerMessage(customer))
        let group = IMMessage(sender: 1, receiver: 99, msgID: 3, content: ByteBuffer(string: "g"))
        #expect(try request(.groupIM, group.body(version: 1), version: 1) == .groupMessage(group))
        #expect(
            try request(.metadata, IMMetadata(syncKey: 1, previousSyncKey: 0).body())
                == .metadata(IMMetadata(syncKey: 1, previousSyncKey: 0))
        )
    }

    @Test(arguments: [
        (IMCommand.authToken, "020361"),  // 3 bytes: too short
        (.authToken, "000000"),  // an empty token and device id, as `IMAuthToken.body()` writes them (found by FuzzBodies)
        (.authToken, "0209616263"),  // token length passes the end
        (.authToken, "02016109"),  // device length passes the end
        (.im, "00000000000000010000000000000002000000"),  // 19 bytes
        (.groupIM, "00"),
        (.ping, "00"),  // PING must be empty
        (.rt, "000000000000000100"),
        (.sync, "00000000"),
        (.syncGroup, "000000000000000100000000"),
        (.enterRoom, "01"),
        (.unreadCount, "0001"),
        (.metadata, "0000000000000001"),
        (.customerV2, "00"),
        (.system, "00"),  // a server command from a client
    ])
    func malformedBodiesAreRejectedWithTheCommandNamed(command: IMCommand, hex: String) {
        let error = #expect(throws: IMWireError.self) {
            try IMClientRequest(
                frame: IMFrame(command: command, version: command == .im ? 1 : 2, body: Self.bytes(hex))
            )
        }
        #expect(error?.command == command)
    }

    @Test func decoderSplitsFramesWhateverTheChunking() throws {
        let frames = (0..<20).map { i in
            IMFrame(
                seq: Int32(i),
                command: i % 3 == 0 ? .ping : .im,
                version: 2,
                flags: i % 2 == 0 ? [] : .text,
                body: i % 3 == 0
                    ? ByteBuffer()
                    : IMMessage(
                        sender: 1,
                        receiver: Int64(i),
                        msgID: Int32(i),
                        content: ByteBuffer(string: String(repeating: "x", count: i * 50))
                    ).body(version: 2)
            )
        }
        let pairs = frames.map { frame -> (ByteBuffer, [IMFrame]) in
            var buffer = ByteBuffer()
            buffer.writeIMFrame(frame)
            return (buffer, [frame])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { IMFrameDecoder.forClients }
    }

    @Test func aLargestBodyPassesAndOneByteMoreIsRefusedBeforeBuffering() throws {
        var decoder = IMFrameDecoder.forClients
        var ok = ByteBuffer()
        ok.writeIMFrame(IMFrame(command: .im, version: 2, body: ByteBuffer(repeating: 0, count: 32767)))
        #expect(try decoder.decode(buffer: &ok)?.body.readableBytes == 32767)

        // Only the header of an oversize frame has arrived: refused at once.
        var oversize = Self.bytes("00008000 00000001 04 02 00 00")
        let error = #expect(throws: IMWireError.self) { try decoder.decode(buffer: &oversize) }
        #expect(error?.code == .badLength)
        var negative = Self.bytes("ffffffff 00000001 04 02 00 00")
        #expect(throws: IMWireError.self) { try decoder.decode(buffer: &negative) }
    }

    @Test func aNonClientCommandIsRefusedBeforeItsBody() throws {
        var decoder = IMFrameDecoder.forClients
        for command: UInt8 in [1, 3, 6, 16, 21, 23, 27, 130, 248, 255] {
            var header = Self.bytes("00000010 00000001")
            header.writeMultipleIntegers(command, UInt8(2), UInt8(0), UInt8(0))
            let error = #expect(throws: IMWireError.self) { try decoder.decode(buffer: &header) }
            #expect(error?.code == .unexpectedCommand)
        }
        // A decoder without a command set (the client side) takes any command.
        var any = IMFrameDecoder()
        var frame = ByteBuffer()
        frame.writeIMFrame(IMFrame(command: .system, version: 2, body: ByteBuffer(string: "sys")))
        #expect(try any.decode(buffer: &frame)?.command == .system)
    }

    @Test func aStreamEndingInsideAFrameIsReported() throws {
        var decoder = IMFrameDecoder.forClients
        var partial = Self.bytes("00000008 00000001 0f 02 00 00 | 02 03")
        #expect(try decoder.decode(buffer: &partial) == nil)
        let error = #expect(throws: IMWireError.self) { try decoder.decodeLast(buffer: &partial, seenEOF: true) }
        #expect(error?.code == .truncatedFrame)
    }
}
