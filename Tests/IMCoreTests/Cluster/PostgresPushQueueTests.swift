import Foundation
import IMCore
import IMTestSupport
import Testing

@testable import IMCore

/// The push queue in the cluster's database: senders never take the same job, a claim runs out, and a
/// node sends the jobs another queued.
@Suite("PostgreSQL push queue", .enabled(if: TestPostgres.enabled))
struct PostgresPushQueueTests {
    @Test func twoSendersClaimEveryJobOnceAndALeaseRunsOut() async throws {
        try await TestPostgres.withDatabase { url in
            let (databaseA, _) = try await openPostgresStore(url: url)
            let (databaseB, _) = try await openPostgresStore(url: url)
            let a = PostgresPushQueue(database: databaseA)
            let b = PostgresPushQueue(database: databaseB)
            let result = await Result {
                let jobs = (0..<60).map {
                    PushQueueRow.New(queue: .peer, json: #"{"n":\#($0)}"#, createdAt: 1000 + Int64($0))
                }
                try await a.append(Array(jobs[..<30]))
                try await b.append(Array(jobs[30...]))
                #expect(try await a.backlog() == PushBacklog(count: 60, oldest: 1000))

                let taken = try await withThrowingTaskGroup(of: [PushQueueRow].self) { senders in
                    for queue in [a, b] {
                        senders.addTask {
                            var taken: [PushQueueRow] = []
                            while true {
                                let batch = try await queue.claim(limit: 7, lease: .seconds(60))
                                if batch.isEmpty { return taken }
                                #expect(batch.map(\.id) == batch.map(\.id).sorted(), "a batch is in id order")
                                taken += batch
                                _ = try await queue.remove(batch)
                            }
                        }
                    }
                    return try await senders.reduce(into: []) { $0 += $1 }
                }
                #expect(taken.count == 60, "every job taken once")
                #expect(Set(taken.map(\.json)) == Set(jobs.map(\.json)))
                #expect(try await b.backlog() == PushBacklog(count: 0, oldest: nil))

                // A claim holds its jobs until its lease runs out; a release hands them back at once.
                try await a.append(Array(jobs[..<3]))
                let held = try await a.claim(limit: 10, lease: .seconds(60))
                #expect(held.count == 3)
                #expect(try await b.claim(limit: 10, lease: .seconds(60)).isEmpty, "claimed jobs are not taken twice")
                try await a.release(held)
                // A lease that has run out (a sender that died): another sender takes the jobs.
                #expect(try await a.claim(limit: 10, lease: .nanoseconds(1)).map(\.id) == held.map(\.id))
                try await Task.sleep(for: .milliseconds(20))
                let retaken = try await b.claim(limit: 10, lease: .seconds(60))
                #expect(retaken.map(\.id) == held.map(\.id), "the jobs of a sender that died are sent by another")
                try await b.release(retaken)
                #expect(try await a.claim(limit: 10, lease: .seconds(60)).map(\.id) == held.map(\.id))
                let (removed, oldest) = try await a.remove(held)
                #expect(removed == 3 && oldest == nil)
            }
            await databaseA.close()
            await databaseB.close()
            try result.get()
        }
    }

    @Test func aNodeSendsTheJobsAnotherNodeQueued() async throws {
        try await TestPostgres.withDatabase { url in
            func configure(_ recorder: WebhookRecorder) -> (inout IMServerConfiguration) -> Void {
                { configuration in
                    configuration.postgres.url = url
                    configuration.postgres.timeout = .seconds(60)
                    configuration.push.webhook = recorder.url
                    configuration.push.retryInitial = .milliseconds(50)
                    configuration.push.retryMax = .milliseconds(200)
                }
            }
            // The first node's webhook fails: its job stays queued in the database when it stops.
            try await withWebhook { failing in
                failing.setStatus(503)
                try await withTestServer(configure: configure(failing)) { server in
                    let sender = try await server.client(uid: 1)
                    #expect(try await sender.send(peerMessage(1, 2, "sent by another node")).status == .success)
                    try await eventually("a failed POST") { failing.requests >= 1 }
                    let push = try #require(try await server.summary()["push"] as? [String: Any])
                    #expect(push["pending"] as? Int == 1)
                    #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/push.sqlite"))
                    try await sender.close()
                }
            }
            try await withWebhook { working in
                try await withTestServer(configure: configure(working)) { _ in
                    let jobs = try await working.waitForJobs(1)
                    #expect(jobs.map(\.content) == ["sent by another node"])
                    #expect(jobs.first?.fields["receiver"] as? Int == 2)
                }
            }
        }
    }
}
