import Foundation
import IMCore
import Testing

/// Failover with real imd processes: a primary killed with -9 under load, its replica promoted; every
/// message the primary ACKed is on the promoted replica, which takes messages at once; the old primary,
/// started again to follow it, is refused (its log has what the new primary never had).
@Suite("imd replication failover")
struct ReplicationFailoverTests {
    static let token = "failover-test-replication-token"
    static let secret = "a-failover-test-secret-of-32-bytes!!"

    @Test func syncModeLosesNothingAcrossAKillAndAPromotion() async throws {
        let primaryData = TemporaryDirectory()
        let replicaData = TemporaryDirectory()
        defer {
            primaryData.remove()
            replicaData.remove()
        }
        let config = primaryData.file("../\(UUID().uuidString)-imd.toml")
        try "replication = \"sync\"\nreplication_timeout = \"10s\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let common = ["--replication-token", Self.token, "--jwt-secret", Self.secret]
        let primary = try await DaemonProcess(
            dataDirectory: primaryData.path,
            arguments: ["--config", config, "--replication-listen", "127.0.0.1:0", "--node-id", "primary"] + common
        )
        let replicationPort = try #require(primary.ports["replication"])
        let replica = try await DaemonProcess(
            dataDirectory: replicaData.path,
            arguments: ["--replica-of", "127.0.0.1:\(replicationPort)", "--replication-listen", "127.0.0.1:0", "--node-id", "replica"]
                + common
        )
        try await primary.waitForLog("replica connected")

        var senders: [(Int64, IMClient)] = []
        for uid in Int64(1)...4 { senders.append((uid, try await Self.client(uid: uid, port: primary.clientPort))) }
        let acked = LockedCollection()
        let sending = sendUntilFailure(senders, inFlight: 20, into: acked) { uid, client, text in
            try await client.send(peerMessage(uid, 100, text)).status == .success
        }
        try await eventually("1,000 messages ACKed") { acked.count >= 1_000 }
        await primary.kill9()
        _ = await sending.result
        let ackedBeforeKill = acked.snapshot()

        let (status, promotion) = try await replica.admin("POST", "/store/promote")
        #expect(status == 200, "\(promotion)")
        let receiver = try await Self.client(uid: 100, port: replica.clientPort)
        let (messages, _) = try await receiver.syncAll(from: 0)
        let stored = Set(messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) })
        let lost = ackedBeforeKill.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(ackedBeforeKill.count) ACKed messages are not on the promoted replica")
        let sender = try await Self.client(uid: 5, port: replica.clientPort)
        #expect(try await sender.send(peerMessage(5, 100, "after the failover")).status == .success)

        // The old primary comes back as a replica of the new one. If its log has batches the new primary never
        // got (durable there, not ACKed: the usual case when killed under load) it is refused, never merged;
        // if not, its log is a prefix of the new primary's and it follows it.
        let newReplicationPort = try #require(replica.ports["replication"])
        let oldPrimary = try await DaemonProcess(
            dataDirectory: primaryData.path,
            arguments: ["--replica-of", "127.0.0.1:\(newReplicationPort)", "--node-id", "old-primary"] + common
        )
        let (_, newSummary) = try await replica.admin("GET", "/summary")
        let newLastID = try #require((newSummary["store"] as? [String: Any])?["last_id"] as? Int)
        try await eventually("the old primary to be refused as diverging, or to follow") {
            if oldPrimary.hasLogged("diverges from this primary's") { return true }
            let (_, summary) = try await oldPrimary.admin("GET", "/summary")
            let following = (summary["replication"] as? [String: Any])?["primary"] as? [String: Any]
            return (following?["last_id"] as? Int ?? 0) >= newLastID
        }
        let old = try await Self.client(uid: 6, port: oldPrimary.clientPort)
        #expect(try await old.send(peerMessage(6, 100, "to the old primary")).status == .serverError)
        #expect(await oldPrimary.terminate() == 0)
        #expect(await replica.terminate() == 0)
    }

    /// An async-mode replica follows its primary through a kill -9 and a restart on the same address: it
    /// reconnects by itself and copies what the restarted primary takes, nothing twice.
    @Test func aReplicaReconnectsAfterThePrimaryRestarts() async throws {
        let primaryData = TemporaryDirectory()
        let replicaData = TemporaryDirectory()
        defer {
            primaryData.remove()
            replicaData.remove()
        }
        let port = freePort()
        let common = ["--replication-token", Self.token, "--jwt-secret", Self.secret]
        let primaryArguments = ["--replication-listen", "127.0.0.1:\(port)", "--node-id", "primary"] + common
        var primary = try await DaemonProcess(dataDirectory: primaryData.path, arguments: primaryArguments)
        let replica = try await DaemonProcess(
            dataDirectory: replicaData.path,
            arguments: ["--replica-of", "127.0.0.1:\(port)", "--node-id", "replica"] + common
        )
        let first = try await Self.client(uid: 1, port: primary.clientPort)
        for n in 0..<200 { #expect(try await first.send(peerMessage(1, 2, "before-\(n)")).status == .success) }
        await primary.kill9()
        primary = try await DaemonProcess(dataDirectory: primaryData.path, arguments: primaryArguments)
        let second = try await Self.client(uid: 1, port: primary.clientPort)
        for n in 0..<200 { #expect(try await second.send(peerMessage(1, 2, "after-\(n)")).status == .success) }
        let (_, summary) = try await primary.admin("GET", "/summary")
        let lastID = try #require((summary["store"] as? [String: Any])?["last_id"] as? Int)
        try await eventually("the replica to copy what the restarted primary took") {
            let (_, summary) = try await replica.admin("GET", "/summary")
            let following = (summary["replication"] as? [String: Any])?["primary"] as? [String: Any]
            return (following?["last_id"] as? Int ?? 0) >= lastID
        }
        let receiver = try await Self.client(uid: 2, port: replica.clientPort)
        let (messages, _) = try await receiver.syncAll(from: 0)
        let texts = messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) }
        #expect(texts == (0..<200).map { "before-\($0)" } + (0..<200).map { "after-\($0)" })
        #expect(await replica.terminate() == 0)
        #expect(await primary.terminate() == 0)
    }

    /// Async mode: what a failover loses is at most what the primary reported as the replica's lag. The
    /// replica is stopped (SIGSTOP) while 300 messages are ACKed, the primary killed, the replica resumed
    /// and promoted.
    @Test func asyncModeLosesAtMostTheReportedLag() async throws {
        let primaryData = TemporaryDirectory()
        let replicaData = TemporaryDirectory()
        defer {
            primaryData.remove()
            replicaData.remove()
        }
        let common = ["--replication-token", Self.token, "--jwt-secret", Self.secret]
        let primary = try await DaemonProcess(
            dataDirectory: primaryData.path,
            arguments: ["--replication-listen", "127.0.0.1:0", "--node-id", "primary"] + common
        )
        let port = try #require(primary.ports["replication"])
        let replica = try await DaemonProcess(
            dataDirectory: replicaData.path,
            arguments: ["--replica-of", "127.0.0.1:\(port)", "--node-id", "replica"] + common
        )
        try await primary.waitForLog("replica connected")
        let sender = try await Self.client(uid: 1, port: primary.clientPort)
        for n in 0..<100 { #expect(try await sender.send(peerMessage(1, 2, "copied-\(n)")).status == .success) }
        try await eventually("the replica to have the first 100") {
            let (_, summary) = try await primary.admin("GET", "/summary")
            let replicas = (summary["replication"] as? [String: Any])?["replicas"] as? [[String: Any]]
            return replicas?.first?["lag_records"] as? Int == 0
        }
        replica.send(SIGSTOP)
        for n in 0..<300 { #expect(try await sender.send(peerMessage(1, 2, "maybe-\(n)")).status == .success) }
        let (_, summary) = try await primary.admin("GET", "/summary")
        let replicas = try #require((summary["replication"] as? [String: Any])?["replicas"] as? [[String: Any]])
        let lag = try #require(replicas.first?["lag_records"] as? Int)
        #expect(lag > 0 && lag <= 300)
        #expect((replicas.first?["lag_seconds"] as? Double ?? 0) > 0)
        await primary.kill9()
        replica.send(SIGCONT)

        let (status, _) = try await replica.admin("POST", "/store/promote")
        #expect(status == 200)
        let receiver = try await Self.client(uid: 2, port: replica.clientPort)
        let (messages, _) = try await receiver.syncAll(from: 0)
        let texts = Set(messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) })
        #expect((0..<100).allSatisfy { texts.contains("copied-\($0)") })
        let lost = (0..<300).filter { !texts.contains("maybe-\($0)") }.count
        #expect(lost <= lag, "lost \(lost) ACKed messages; the primary reported a lag of \(lag)")
        #expect(await replica.terminate() == 0)
    }

    /// A client of app 7 logged in with a JWT, which every node with the secret accepts.
    static func client(uid: Int64, port: Int) async throws -> IMClient {
        try await jwtClient(port: port, uid: uid, secret: secret)
    }
}
