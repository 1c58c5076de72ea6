import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Customer-service messages")
struct CustomerMessageTests {
    static let kefu: Int64 = 1453

    private func cv2(
        _ senderApp: Int64,
        _ sender: Int64,
        _ receiverApp: Int64,
        _ receiver: Int64,
        _ text: String
    )
        -> ByteBuffer
    {
        IMCustomerMessage(
            senderAppID: senderApp,
            sender: sender,
            receiverAppID: receiverApp,
            receiver: receiver,
            timestamp: 0,
            content: ByteBuffer(string: text)
        ).body()
    }

    @Test(arguments: TestBackend.all)
    func aCustomerMessageCrossesApps(backend: TestBackend) async throws {
        try await withTestServer(backend: backend, configure: { $0.kefuAppID = Self.kefu }) { server in
            let customer = try await server.client(uid: 1)  // app 7
            let staff = try await IMClient.connect(host: "127.0.0.1", port: server.addresses.client.port)
            #expect(
                try await staff.authenticate(
                    token: try await server.token(uid: 500, appID: Self.kefu),
                    deviceID: "desk"
                )
            )
            let ack = try await customer.send(
                .customerV2,
                body: cv2(7, 1, Self.kefu, 500, "need help"),
                flags: .text
            )
            #expect(ack.status == .success)
            let ackMetadata = try #require(ack.metadata)
            let pushed = try await staff.next { $0.frame.command == .customerV2 }
            #expect(pushed.frame.flags == [.text, .push])
            #expect(pushed.metadata != nil)
            // The log hands out one id space; PostgreSQL keys each queue on its own (both may be 1).
            if backend == .embedded { #expect(pushed.metadata != ackMetadata) }
            let message = try IMCustomerMessage(body: pushed.frame.body)
            #expect(message.senderAppID == 7 && message.sender == 1 && message.receiverAppID == Self.kefu)
            #expect(String(buffer: message.content) == "need help")
            #expect(abs(Int64(message.timestamp) - Int64(Date().timeIntervalSince1970)) < 60)

            // Both queues hold it; SELF on the sending device.
            #expect(try await staff.sync(from: 0).messages.map(\.command) == [.customerV2])
            #expect(try await customer.sync(from: 0).messages.map(\.flags) == [.self])

            // The reply goes the other way.
            let reply = try await staff.send(.customerV2, body: cv2(Self.kefu, 500, 7, 1, "how can I help"))
            #expect(reply.status == .success)
            _ = try await customer.next { $0.frame.command == .customerV2 }
            try await customer.close()
            try await staff.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func customerMessagesOutsideTheServiceAppAreRefused(backend: TestBackend) async throws {
        try await withTestServer(backend: backend, configure: { $0.kefuAppID = Self.kefu }) { server in
            let client = try await server.client(uid: 1)
            #expect(try await client.send(.customerV2, body: cv2(7, 1, 8, 2, "x")).status == .serverError)
            // A forged sender app is refused too.
            #expect(try await client.send(.customerV2, body: cv2(8, 1, Self.kefu, 2, "x")).status == .serverError)
            try await client.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func postCustomerMessage(backend: TestBackend) async throws {
        try await withTestServer(backend: backend, configure: { $0.kefuAppID = Self.kefu }) { server in
            let customer = try await server.client(uid: 1)
            var (status, json) = try await server.admin(
                "POST",
                "/post_customer_message",
                json: ["sender_appid": Self.kefu, "sender": 500, "receiver_appid": 7, "receiver": 1, "content": "hi"]
            )
            #expect(status == 200 && json["data"] is [String: Any])
            _ = try await customer.next { $0.frame.command == .syncNotify }
            let synced = try await customer.sync(from: 0).messages
            #expect(synced.count == 1)
            #expect(try String(buffer: IMCustomerMessage(body: synced[0].body).content) == "hi")
            (status, json) = try await server.admin(
                "POST",
                "/post_customer_message",
                json: ["sender_appid": 7, "sender": 1, "receiver_appid": 8, "receiver": 2, "content": "x"]
            )
            #expect(status == 400)
            (status, json) = try await server.admin(
                "POST",
                "/post_customer_message",
                json: ["sender_appid": 7, "sender": 1, "receiver_appid": 8, "content": "x"]
            )
            #expect(
                status == 400 && ((json["meta"] as? [String: Any])?["message"] as? String ?? "").hasPrefix("receiver")
            )
            try await customer.close()
        }
    }
}
