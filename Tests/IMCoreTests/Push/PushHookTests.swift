import Foundation
import IMCore
import Logging
import NIOCore
import Testing

@Suite("Offline push hook")
struct PushHookTests {
    /// A server whose push hook posts to `recorder`, retrying quickly.
    func withPushServer<T>(
        _ recorder: WebhookRecorder,
        backend: TestBackend = .embedded,
        dataDirectory: String? = nil,
        configure: (inout IMServerConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        try await withTestServer(
            backend: backend,
            dataDirectory: dataDirectory,
            configure: { configuration in
                configuration.push.webhook = recorder.url
                configuration.push.retryInitial = .milliseconds(50)
                configuration.push.retryMax = .milliseconds(200)
                configure(&configuration)
            }
        ) { server in try await body(server) }
    }

    func pushSummary(_ server: TestServer) async throws -> [String: Any] {
        try #require(try await server.summary()["push"] as? [String: Any])
    }

    @Test(arguments: TestBackend.all)
    func aPeerMessageToAnOfflineUserBecomesAJob(backend: TestBackend) async throws {
        try await withWebhook { recorder in
            try await withPushServer(recorder, backend: backend, configure: { $0.push.webhookToken = "hook-secret" }) {
                server in
                let sender = try await server.client(uid: 1)
                #expect(try await sender.send(peerMessage(1, 2, "{\"text\":\"hi \\\"you\\\"\"}")).status == .success)
                let jobs = try await recorder.waitForJobs(1)
                #expect(jobs.count == 1)
                let job = try #require(jobs.first)
                #expect(job.queue == "push_queue")
                #expect(job.fields["appid"] as? Int == Int(TestServer.appID))
                #expect(job.fields["sender"] as? Int == 1)
                #expect(job.fields["receiver"] as? Int == 2)
                #expect(job.content == "{\"text\":\"hi \\\"you\\\"\"}")
                #expect(job.id > 0)
                #expect(Set(job.fields.keys) == ["id", "appid", "sender", "receiver", "content"])
                #expect(recorder.authorizations == ["Bearer hook-secret"])

                // Online on a phone: no job. The next job (for an offline user) shows that nothing came
                // in between, since jobs arrive in order.
                let receiver = try await server.client(uid: 2, platform: .ios)
                #expect(try await sender.send(peerMessage(1, 2, "seen live")).status == .success)
                _ = try await receiver.next { $0.frame.command == .im }
                #expect(try await sender.send(peerMessage(1, 3, "marker")).status == .success)
                let after = try await recorder.waitForJobs(2)
                #expect(after.map(\.content) == ["{\"text\":\"hi \\\"you\\\"\"}", "marker"])
                #expect(after[1].id > after[0].id)

                // The webhook has the batch a moment before the server has removed it from its queue.
                try await eventually("both jobs count as sent") {
                    try await pushSummary(server)["sent"] as? Int == 2
                }
                let push = try await pushSummary(server)
                #expect(push["enabled"] as? Bool == true)
                #expect(push["queued"] as? Int == 2)
                #expect(push["pending"] as? Int == 0)
                #expect(push["webhook"] as? String == recorder.url)
            }
        }
    }

    @Test func desktopAndWebSessionsCountAsOnlineUnlessNotificationIsOn() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // uid 4 wants pushes while on the desktop (`notification_on`); uid 3 does not (the default).
        var quiet = Logger(label: "seed")
        quiet.logLevel = .warning
        let seeded = try SQLiteDirectory(path: directory.file("directory.sqlite"), logger: quiet)
        try await seeded.setPreferences(UserKey(appID: TestServer.appID, uid: 4), UserPreferences(notificationOn: true))
        try await seeded.close()
        try await withWebhook { recorder in
            try await withPushServer(recorder, dataDirectory: directory.path) { server in
                _ = try await server.client(uid: 3, device: "", platform: .web)
                _ = try await server.client(uid: 4, device: "desktop", platform: IMAuthToken.Platform(rawValue: 4))
                let sender = try await server.client(uid: 1)
                for receiver in [3, 4, 5] as [Int64] {
                    #expect(try await sender.send(peerMessage(1, receiver, "to \(receiver)")).status == .success)
                }
                let jobs = try await recorder.waitForJobs(2)
                #expect(jobs.map { $0.fields["receiver"] as? Int } == [4, 5])

                // With a phone online too, uid 4 counts as online.
                _ = try await server.client(uid: 4, device: "phone", platform: .android)
                #expect(try await sender.send(peerMessage(1, 4, "phone is on")).status == .success)
                #expect(try await sender.send(peerMessage(1, 6, "marker")).status == .success)
                let later = try await recorder.waitForJobs(3)
                #expect(later.map { $0.fields["receiver"] as? Int } == [4, 5, 6])
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func systemMessagesPushToTheOfflineReceivers(backend: TestBackend) async throws {
        try await withWebhook { recorder in
            try await withPushServer(recorder, backend: backend) { server in
                _ = try await server.client(uid: 1)
                let (status, _) = try await server.admin(
                    "POST",
                    "/post_system_message",
                    json: ["appid": TestServer.appID, "content": "maintenance at 5", "receivers": [1, 6, 7, 6]]
                )
                #expect(status == 200)
                let jobs = try await recorder.waitForJobs(2)
                #expect(jobs.map(\.queue) == ["system_push_queue", "system_push_queue"])
                #expect(jobs.map { $0.fields["receiver"] as? Int } == [6, 7])
                #expect(jobs.allSatisfy { $0.content == "maintenance at 5" && $0.fields["sender"] == nil })

                // Admin-posted peer messages push too.
                let (posted, _) = try await server.admin(
                    "POST",
                    "/post_peer_message?appid=\(TestServer.appID)&sender=1&receiver=8",
                    body: "from the app server"
                )
                #expect(posted == 200)
                let all = try await recorder.waitForJobs(3)
                #expect(all.last?.queue == "push_queue")
                #expect(all.last?.fields["receiver"] as? Int == 8)
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func aFailedPostIsRetriedUntilTheWebhookTakesIt(backend: TestBackend) async throws {
        try await withWebhook { recorder in
            recorder.setStatus(503)
            try await withPushServer(recorder, backend: backend) { server in
                let sender = try await server.client(uid: 1)
                #expect(try await sender.send(peerMessage(1, 2, "eventually")).status == .success)
                // The dispatcher counts a failure after the webhook has answered: wait for its count, not for
                // the webhook's.
                try await eventually("two failed POSTs counted") {
                    try await pushSummary(server)["failed"] as? Int ?? 0 >= 2
                }
                #expect(recorder.requests >= 2)
                let failing = try await pushSummary(server)
                #expect(failing["sent"] as? Int == 0)
                #expect(failing["pending"] as? Int == 1)
                #expect(failing["oldest_age_seconds"] as? Double ?? 0 > 0)
                let (_, metrics) = try await server.adminText("GET", "/metrics")
                #expect(metrics.contains("im_push_jobs_pending 1"))

                recorder.setStatus(200)
                let jobs = try await recorder.waitForJobs(1)
                #expect(jobs.count == 1)
                #expect(jobs[0].content == "eventually")
                try await eventually("the job is sent and no longer pending") {
                    let push = try await pushSummary(server)
                    return push["pending"] as? Int == 0 && push["sent"] as? Int == 1
                }
                let done = try await pushSummary(server)
                #expect(done["sent"] as? Int == 1)
                #expect(done["oldest_age_seconds"] as? Double == 0)
                let (_, after) = try await server.adminText("GET", "/metrics")
                #expect(after.contains("im_push_jobs_sent_total 1"))
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func manyJobsGoInOrderedBatchesWithoutDuplicates(backend: TestBackend) async throws {
        try await withWebhook { recorder in
            try await withPushServer(recorder, backend: backend, configure: { $0.push.batchSize = 20 }) { server in
                let sender = try await server.client(uid: 1)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<60 {
                        group.addTask {
                            _ = try await sender.send(peerMessage(1, 100 + Int64(index % 5), "m\(index)"))
                        }
                    }
                    try await group.waitForAll()
                }
                let jobs = try await recorder.waitForJobs(60)
                #expect(jobs.count == 60)
                #expect(Set(jobs.map(\.content)).count == 60)
                #expect(jobs.map(\.id) == jobs.map(\.id).sorted())
                #expect(Set(jobs.map(\.id)).count == 60)
                #expect(recorder.batches.allSatisfy { $0.values.map(\.count).reduce(0, +) <= 20 })
                #expect(recorder.batches.count >= 3)
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func jobsOlderThanTheMaximumAgeAreDropped(backend: TestBackend) async throws {
        try await withWebhook { recorder in
            recorder.setStatus(500)
            try await withPushServer(recorder, backend: backend, configure: { $0.push.maxJobAge = .milliseconds(300) })
            { server in
                let sender = try await server.client(uid: 1)
                #expect(try await sender.send(peerMessage(1, 2, "too late")).status == .success)
                try await eventually("the job expires") {
                    let push = try await pushSummary(server)
                    return push["expired"] as? Int == 1 && push["pending"] as? Int == 0
                }
                recorder.setStatus(200)
                #expect(recorder.jobs.isEmpty)
            }
        }
    }

    @Test func withoutAWebhookNoJobsAreKept() async throws {
        try await withTestServer { server in
            let sender = try await server.client(uid: 1)
            #expect(try await sender.send(peerMessage(1, 2, "nobody to push to")).status == .success)
            let push = try #require(try await server.summary()["push"] as? [String: Any])
            #expect(push["enabled"] as? Bool == false)
            #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/push.sqlite"))
        }
    }

    @Test func aBadWebhookURLIsAConfigurationError() throws {
        var configuration = IMServerConfiguration(dataDirectory: "/tmp/unused")
        configuration.push.webhook = "ftp://example.com/push"
        let error = try #require(throws: IMConfigurationError.self) { try configuration.validate() }
        #expect(error.field == "push_webhook")
    }
}
