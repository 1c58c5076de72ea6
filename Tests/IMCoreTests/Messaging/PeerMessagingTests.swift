import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Peer messaging over real sockets")
struct PeerMessagingTests {
    @Test(arguments: TestBackend.all)
    func messageToAnOnlineReceiver(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            let ack = try await alice.send(peerMessage(1, 2, #"{"text":"hi"}"#, msgID: 9), flags: .text)
            #expect(ack.status == .success)
            let ackMetadata = try #require(ack.metadata, "the ACK must follow a METADATA frame")
            #expect(ackMetadata.syncKey > 0)
            #expect(ackMetadata.previousSyncKey == 0)

            let pushed = try await bob.next { $0.frame.command == .im }
            #expect(pushed.frame.flags == [.text, .push])
            let metadata = try #require(pushed.metadata)
            #expect(metadata.previousSyncKey == 0)
            if backend == .embedded {
                // The log hands out one id space; PostgreSQL keys each queue 1, 2, 3, ... on its own.
                #expect(metadata.syncKey != ackMetadata.syncKey, "receiver's and sender's copies have their own keys")
            }
            let message = try #require(pushed.message)
            #expect(message.sender == 1 && message.receiver == 2 && message.msgID == 9)
            #expect(String(buffer: message.content) == #"{"text":"hi"}"#)
            let now = Int32(Date().timeIntervalSince1970)
            #expect(abs(message.timestamp - now) < 60, "the server stamps the time")

            let notify = try await bob.next { $0.frame.command == .syncNotify }
            #expect(notify.frame.body.getInteger(at: notify.frame.body.readerIndex, as: Int64.self) == metadata.syncKey)
            // Each copy's key is the key of its entry in its owner's queue.
            #expect(try await bob.sync(from: 0).endKey == metadata.syncKey)
            #expect(try await alice.sync(from: 0).endKey == ackMetadata.syncKey)
            try await alice.close()
            try await bob.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func messageToAnOfflineReceiverArrivesBySync(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let alice = try await server.client(uid: 1, device: "alice-phone")
            var acks: [IMAck] = []
            for index in 0..<5 {
                acks.append(try await alice.send(peerMessage(1, 2, "m\(index)", msgID: Int32(index))))
            }
            let bob = try await server.client(uid: 2)
            let result = try await bob.sync(from: 0)
            #expect(result.beginKey == 0)
            #expect(result.messages.count == 5)
            #expect(!result.hasMore)
            let texts = result.messages.compactMap { try? IMMessage(body: $0.body, version: 2) }.map {
                String(buffer: $0.content)
            }
            #expect(texts == ["m0", "m1", "m2", "m3", "m4"])
            #expect(result.messages.allSatisfy { $0.flags == [] })

            // The sender's own copies carry SELF on the device that sent them, not on another device.
            let own = try await alice.sync(from: 0)
            #expect(own.messages.count == 5)
            #expect(own.messages.allSatisfy { $0.flags == .self })
            #expect(own.endKey == acks.last!.metadata!.syncKey)
            let otherDevice = try await server.client(uid: 1, device: "alice-tablet")
            #expect(try await otherDevice.sync(from: 0).messages.allSatisfy { $0.flags == [] })

            // Syncing from the end key returns nothing and keeps the key.
            let again = try await bob.sync(from: result.endKey)
            #expect(again.messages.isEmpty && again.endKey == result.endKey)
        }
    }

    @Test(arguments: TestBackend.all)
    func multiDeviceFanOut(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let alicePhone = try await server.client(uid: 1, device: "phone")
            let aliceTablet = try await server.client(uid: 1, device: "tablet")
            let bobPhone = try await server.client(uid: 2, device: "phone", platform: .ios)
            let bobWeb = try await server.client(uid: 2, device: "", platform: .web)
            let ack = try await alicePhone.send(peerMessage(1, 2, "to all"))

            for bob in [bobPhone, bobWeb] {
                let pushed = try await bob.next { $0.frame.command == .im }
                #expect(pushed.frame.flags == .push)
            }
            // The sender's other device gets the sender's copy, with the key of its own queue.
            let copy = try await aliceTablet.next { $0.frame.command == .im }
            #expect(copy.metadata == ack.metadata)
            let notify = try await aliceTablet.next { $0.frame.command == .syncNotify }
            #expect(
                notify.frame.body.getInteger(at: 0, as: Int64.self) == ack.metadata?.syncKey,
                "the notify carries the recipient's own queue key (GoBelieve sends the receiver's)"
            )
            // The sending device gets no copy: the next thing it sees is the PONG of this ping.
            try await alicePhone.ping()
        }
    }

    @Test(arguments: [UInt8(0), 1, 2])
    func encodingsPerVersion(version: UInt8) async throws {
        try await withTestServer { server in
            let sender = try await server.client(uid: 1, version: version)
            let receiver = try await server.client(uid: 2, version: version)
            let ack = try await sender.send(peerMessage(1, 2, "abc"))
            #expect(ack.status == .success)
            let pushed = try await receiver.next { $0.frame.command == .im }
            #expect(pushed.frame.version == version)
            // v0 bodies have no timestamp: sender 8 + receiver 8 + msgid 4 + content.
            #expect(pushed.frame.body.readableBytes == (version == 0 ? 20 : 24) + 3)
            let message = try #require(pushed.message)
            #expect(String(buffer: message.content) == "abc")
            let synced = try await receiver.sync(from: 0)
            #expect(synced.messages.first?.version == version)
            #expect(synced.messages.first?.body.readableBytes == (version == 0 ? 20 : 24) + 3)
        }
    }

    @Test(arguments: TestBackend.all)
    func ackBodiesPerVersion(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            for version: UInt8 in [1, 2] {
                let client = try await server.connect()
                #expect(try await client.authenticate(token: try await server.token(uid: 5), version: version))
                let seq = try await client.write(.im, body: peerMessage(5, 6, "x").body(version: version))
                // A SYNC_NOTIFY may come at any time (in a cluster, a resync); the next other frame is the
                // ACK itself (the METADATA is attached to it).
                let ack = try await client.next { $0.frame.command != .syncNotify }
                let frame = ack.frame
                #expect(frame.command == .ack)
                #expect(frame.body.readableBytes == (version >= 2 ? 5 : 4))
                #expect(frame.body.getInteger(at: 0, as: Int32.self) == seq)
                try await client.close()
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func senderMustBeTheLoggedInUser(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let v2 = try await server.client(uid: 1)
            let ack = try await v2.send(peerMessage(99, 2, "forged"))
            #expect(ack.status == .serverError)
            #expect(ack.metadata == nil)
            let v1 = try await server.client(uid: 1, version: 1)
            await #expect(throws: IMClientError.self) {
                _ = try await v1.send(peerMessage(99, 2, "forged"), timeout: .milliseconds(300))
            }
            // Nothing was stored for the receiver.
            let receiver = try await server.client(uid: 2)
            #expect(try await receiver.sync(from: 0).messages.isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func selfSendIsStoredTwice(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let alice = try await server.client(uid: 1)
            let ack = try await alice.send(peerMessage(1, 1, "note to self"))
            #expect(ack.status == .success)
            #expect(try await alice.sync(from: 0).messages.count == 2)
        }
    }

    @Test(arguments: TestBackend.all)
    func realtimeMessagesAreRelayedNotStored(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            let rt = IMRealtimeMessage(sender: 1, receiver: 2, content: ByteBuffer(string: "typing"))
            try await alice.write(.rt, body: rt.body())
            let received = try await bob.next { $0.frame.command == .rt }
            #expect(try IMRealtimeMessage(body: received.frame.body) == rt)
            #expect(try await bob.sync(from: 0).messages.isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func groupMessageToAnUnknownGroupIsRefused(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let alice = try await server.client(uid: 1)
            let ack = try await alice.send(.groupIM, body: peerMessage(1, 500, "hello group").body(version: 2))
            #expect(ack.status == .groupNonexistent)
        }
    }
}
