import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Offline push hook: groups and customer messages")
struct GroupPushTests {
    func withPushServer<T>(
        _ recorder: WebhookRecorder,
        backend: TestBackend = .embedded,
        configure: @escaping (inout IMServerConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        try await withTestServer(
            backend: backend,
            configure: { configuration in
                configuration.push.webhook = recorder.url
                configuration.push.retryInitial = .milliseconds(50)
                configure(&configuration)
            }
        ) { server in try await body(server) }
    }

    @Test(arguments: TestBackend.all, [false, true])
    func aGroupMessageMakesOneJobListingTheOfflineMembers(backend: TestBackend, superGroup: Bool) async throws {
        try await withWebhook { recorder in
            try await withPushServer(recorder, backend: backend) { server in
                let gid = try await server.createGroup(members: [1, 2, 3, 4], isSuper: superGroup)
                let sender = try await server.client(uid: 1)
                let online = try await server.client(uid: 2, platform: .ios)
                #expect(try await sender.sendGroup(groupMessage(1, gid, #"{"text":"hey"}"#)).status == .success)
                _ = try await online.next { $0.frame.command == .groupIM }
                let jobs = try await recorder.waitForJobs(1)
                let job = try #require(jobs.first)
                #expect(job.queue == "group_push_queue")
                #expect(job.fields["group_id"] as? Int == Int(gid))
                #expect(job.fields["sender"] as? Int == 1)
                #expect(job.fields["receivers"] as? [Int] == [3, 4], "the sender and the online member get no push")
                #expect(job.content == #"{"text":"hey"}"#)
                try await sender.close()
                try await online.close()
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func aCustomerMessageToAnOfflineUserBecomesACustomerJob(backend: TestBackend) async throws {
        try await withWebhook { recorder in
            try await withPushServer(recorder, backend: backend, configure: { $0.kefuAppID = 1453 }) { server in
                let customer = try await server.client(uid: 1)
                let body = IMCustomerMessage(
                    senderAppID: TestServer.appID,
                    sender: 1,
                    receiverAppID: 1453,
                    receiver: 500,
                    timestamp: 0,
                    content: ByteBuffer(string: "help")
                ).body()
                #expect(try await customer.send(.customerV2, body: body).status == .success)
                let job = try #require(try await recorder.waitForJobs(1).first)
                #expect(job.queue == "customer_push_queue_v2")
                #expect(job.fields["sender_appid"] as? Int == Int(TestServer.appID))
                #expect(job.fields["receiver_appid"] as? Int == 1453)
                #expect(job.fields["receiver"] as? Int == 500)
                #expect(job.content == "help")
                try await customer.close()
            }
        }
    }
}
