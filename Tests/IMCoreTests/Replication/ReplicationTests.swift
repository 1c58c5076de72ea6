import Foundation
import IMCore
import NIOCore
import Testing

/// A primary and a replica in this process, over real sockets: the replica copies the primary's log
/// (from empty, from behind, live) and its directory (tokens, groups), serves them read-only, refuses
/// writes, and once promoted takes messages with ids after the primary's.
@Suite("LogStore replication")
struct ReplicationTests {
    static let token = "replication-test-token"
    static let jwtSecret = "a-replication-test-secret-of-32-bytes!"

    @Test func aReplicaCatchesUpFollowsAndServesReadOnly() async throws {
        try await withPrimary { primary in
            // 3 MB before the replica exists: it starts from empty, over several 4 MiB segments once more follow.
            let alice = try await Self.client(primary, uid: 1)
            for n in 0..<3_000 {
                let ack = try await alice.send(peerMessage(1, 2, "early-\(n)-" + String(repeating: "x", count: 1_000)))
                try #require(ack.status == .success)
            }
            try await withReplica(of: primary) { replica in
                try await Self.waitUntilCaughtUp(replica, primary)
                for n in 0..<3_000 {
                    _ = try await alice.send(peerMessage(1, 2, "live-\(n)-" + String(repeating: "y", count: 1_000)))
                }
                try await Self.waitUntilCaughtUp(replica, primary)

                let bob = try await Self.client(replica, uid: 2)
                let (messages, _) = try await bob.syncAll(from: 0)
                let texts = messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content).prefix { $0 != "-" } }
                #expect(texts.count == 6_000)
                #expect(texts.filter { $0 == "early" }.count == 3_000 && texts.filter { $0 == "live" }.count == 3_000)

                let refused = try await bob.send(peerMessage(2, 1, "to a replica"))
                #expect(refused.status == .serverError, "a replica takes no message")
                let (status, body) = try await replica.admin("POST", "/post_peer_message?sender=1&receiver=2", body: "hi")
                #expect(status == 409)
                #expect("\(body)".contains("replica_of"))

                let (_, summary) = try await primary.admin("GET", "/summary")
                let replicas = try #require((summary["replication"] as? [String: Any])?["replicas"] as? [[String: Any]])
                #expect(replicas.count == 1)
                #expect(replicas.first?["lag_records"] as? Int == 0)
                let (_, replicaSummary) = try await replica.admin("GET", "/summary")
                let role = (replicaSummary["replication"] as? [String: Any])?["role"] as? String
                #expect(role == "replica")
            }
        }
    }

    @Test func aPromotedReplicaTakesMessagesWithIDsAfterThePrimarys() async throws {
        try await withPrimary { primary in
            let alice = try await Self.client(primary, uid: 1)
            var lastKey: Int64 = 0
            for n in 0..<50 { lastKey = max(lastKey, Int64(try await alice.send(peerMessage(1, 2, "m\(n)")).metadata?.syncKey ?? 0)) }
            try await withReplica(of: primary) { replica in
                try await Self.waitUntilCaughtUp(replica, primary)
                let (status, promotion) = try await replica.admin("POST", "/store/promote")
                #expect(status == 200, "\(promotion)")
                let data = try #require(promotion["data"] as? [String: Any])
                let firstID = try #require(data["first_id"] as? Int)
                #expect(firstID > Int(lastKey))

                let carol = try await Self.client(replica, uid: 3)
                let ack = try await carol.send(peerMessage(3, 2, "after the promotion"))
                #expect(ack.status == .success)
                let bob = try await Self.client(replica, uid: 2)
                let (messages, _) = try await bob.syncAll(from: 0)
                #expect(messages.count == 51)
                let (secondStatus, _) = try await replica.admin("POST", "/store/promote")
                #expect(secondStatus == 409, "a primary has nothing to promote")
            }
        }
    }

    @Test func theDirectoryFollowsSoTokensAndGroupsOutliveAPromotion() async throws {
        try await withPrimary { primary in
            let early = try await primary.token(uid: 5)
            let group = try await primary.createGroup(members: [5, 6])
            try await withReplica(of: primary) { replica in
                try await eventually("the primary's token to log in on the replica") {
                    try await Self.logsIn(replica, token: early)
                }
                let (_, summary) = try await replica.admin("GET", "/summary")
                let primaryStatus = (summary["replication"] as? [String: Any])?["primary"] as? [String: Any]
                #expect(primaryStatus?["directory_age_seconds"] is Double)
                // A token issued once the replica follows arrives with the next copy.
                let later = try await primary.token(uid: 6)
                try await eventually("the later token to log in on the replica") {
                    try await Self.logsIn(replica, token: later)
                }

                let (status, _) = try await replica.admin("POST", "/store/promote")
                #expect(status == 200)
                let five = try await replica.connect()
                #expect(try await five.authenticate(token: early, deviceID: "d5", platform: .android, version: 2))
                let ack = try await five.sendGroup(
                    IMMessage(sender: 5, receiver: group, msgID: 1, content: ByteBuffer(string: "after the promotion"))
                )
                #expect(ack.status == .success, "the group is on the promoted replica")
                let six = try await replica.connect()
                #expect(try await six.authenticate(token: later, deviceID: "d6", platform: .android, version: 2))
                let (messages, _) = try await six.syncAll(from: 0)
                #expect(messages.count == 1)
            }
        }
    }

    @Test func aPromotionDeposesTheFormerPrimaryWhichThenRefusesToStartAsOne() async throws {
        let primaryData = TemporaryDirectory()
        defer { primaryData.remove() }
        try await withPrimary(dataDirectory: primaryData.path) { primary in
            let alice = try await Self.client(primary, uid: 1)
            #expect(try await alice.send(peerMessage(1, 2, "before")).status == .success)
            try await withReplica(of: primary) { replica in
                try await Self.waitUntilCaughtUp(replica, primary)
                let (status, _) = try await replica.admin("POST", "/store/promote")
                #expect(status == 200)
                try await eventually("the former primary to hear of the promotion") {
                    let (_, summary) = try await primary.admin("GET", "/summary")
                    return (summary["replication"] as? [String: Any])?["role"] as? String == "deposed"
                }
                let refused = try await alice.send(peerMessage(1, 2, "after the promotion"))
                #expect(refused.status == .serverError, "a deposed primary takes no message")
                let (write, body) = try await primary.admin("POST", "/post_peer_message?sender=1&receiver=2", body: "hi")
                #expect(write == 409)
                #expect("\(body)".contains("no longer the primary"))
            }
        }
        // Started again as a primary (no replica_of), it refuses, naming the promotion and what to do.
        do {
            try await withPrimary(dataDirectory: primaryData.path) { _ in Issue.record("a deposed store served as a primary") }
        } catch {
            #expect("\(error)".contains("was the primary until its replica replica"), "\(error)")
            #expect("\(error)".contains("--replica-of"))
        }
    }

    /// A former primary that was down while its replica was promoted, started again (here without even
    /// `replication_listen`, so the promoted replica's fence cannot reach it): it asks the replica it had
    /// before serving, hears of the promotion, and refuses to start as a primary.
    @Test func aFormerPrimaryStartingAgainAsksItsReplicaAndRefusesOnceItWasPromoted() async throws {
        let primaryData = TemporaryDirectory()
        defer { primaryData.remove() }
        try await withReplicaOfAStoppedPrimary(primaryData) { replica in
            let (status, _) = try await replica.admin("POST", "/store/promote")
            #expect(status == 200)
            do {
                try await withRestartedPrimary(primaryData) { _ in
                    Issue.record("a former primary served after its replica's promotion")
                }
            } catch {
                #expect("\(error)".contains("was the primary until its replica replica"), "\(error)")
                #expect("\(error)".contains("--replica-of"))
            }
            #expect(FileManager.default.fileExists(atPath: primaryData.path + "/messages/deposed"))
        }
    }

    /// A primary whose replica was not promoted starts as before after asking it.
    @Test func aPrimaryWhoseReplicaWasNotPromotedStartsAgain() async throws {
        let primaryData = TemporaryDirectory()
        defer { primaryData.remove() }
        try await withReplicaOfAStoppedPrimary(primaryData) { _ in
            try await withRestartedPrimary(primaryData) { again in
                let alice = try await Self.client(again, uid: 1)
                #expect(try await alice.send(peerMessage(1, 2, "after")).status == .success)
            }
        }
    }

    @Test func aWrongTokenIsRefused() async throws {
        try await withPrimary { primary in
            try await withReplica(of: primary, token: "not-the-token") { replica in
                try await eventually("the replica to report the refusal") {
                    let (_, summary) = try await replica.admin("GET", "/summary")
                    let primaryStatus = (summary["replication"] as? [String: Any])?["primary"] as? [String: Any]
                    return (primaryStatus?["last_error"] as? String)?.contains("wrong replication_token") == true
                }
                let (_, summary) = try await primary.admin("GET", "/summary")
                #expect(((summary["replication"] as? [String: Any])?["replicas"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test func aReplicaRestartedContinuesWhereItsLogEnds() async throws {
        let replicaData = TemporaryDirectory()
        defer { replicaData.remove() }
        try await withPrimary { primary in
            let alice = try await Self.client(primary, uid: 1)
            for n in 0..<200 { _ = try await alice.send(peerMessage(1, 2, "first-\(n)")) }
            try await withReplica(of: primary, dataDirectory: replicaData.path) { replica in
                try await Self.waitUntilCaughtUp(replica, primary)
            }
            for n in 0..<200 { _ = try await alice.send(peerMessage(1, 2, "second-\(n)")) }
            try await withReplica(of: primary, dataDirectory: replicaData.path) { replica in
                try await Self.waitUntilCaughtUp(replica, primary)
                let bob = try await Self.client(replica, uid: 2)
                let (messages, _) = try await bob.syncAll(from: 0)
                let texts = messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) }
                #expect(texts == (0..<200).map { "first-\($0)" } + (0..<200).map { "second-\($0)" })
            }
        }
    }

    @Test func syncModeACKsOnlyWhatAReplicaHasAndRefusesWithoutOne() async throws {
        try await withPrimary(configure: {
            $0.replication.mode = .sync
            // Long enough for a replica on a machine running every suite at once; the first send waits it out.
            $0.replication.timeout = .seconds(10)
        }) { primary in
            let alice = try await Self.client(primary, uid: 1)
            let alone = try await alice.send(peerMessage(1, 2, "no replica"))
            #expect(alone.status == .serverError, "no replica confirmed it: refused, not ACKed")
            try await withReplica(of: primary) { replica in
                try await eventually("the replica to connect") {
                    let (_, summary) = try await primary.admin("GET", "/summary")
                    return ((summary["replication"] as? [String: Any])?["replicas"] as? [Any])?.count == 1
                }
                var acked: [String] = []
                for n in 0..<100 {
                    let text = "sync-\(n)"
                    if try await alice.send(peerMessage(1, 2, text)).status == .success { acked.append(text) }
                }
                #expect(acked.count == 100)
                // ACKed means on the replica: read it there at once, without waiting for it to catch up.
                let bob = try await Self.client(replica, uid: 2)
                let (messages, _) = try await bob.syncAll(from: 0)
                let stored = Set(messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) })
                #expect(acked.allSatisfy(stored.contains))
            }
        }
    }

    /// `replication_tls`: the stream runs over TLS with the primary's certificate, checked by the replica
    /// (its CA, and the host name of `replica_of`); a replica that trusts another CA, or speaks plain TCP,
    /// gets nothing.
    @Test func theStreamRunsOverTLSToAReplicaThatTrustsThePrimary() async throws {
        let certificates = try TestCertificates()
        let stranger = try TestCertificates(name: "stranger")
        defer {
            certificates.remove()
            stranger.remove()
        }
        func caFile(_ certificates: TestCertificates) throws -> String {
            let path = certificates.directory.path + "/ca.pem"
            try certificates.authority.certificatePEM.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let (trusted, untrusted) = (try caFile(certificates), try caFile(stranger))
        try await withPrimary(configure: {
            $0.tls = certificates.files
            $0.replication.tls = true
        }) { primary in
            let alice = try await Self.client(primary, uid: 1)
            for n in 0..<100 { try #require(try await alice.send(peerMessage(1, 2, "m\(n)")).status == .success) }
            try await withReplica(of: primary, host: "localhost", configure: {
                $0.replication.tls = true
                $0.replication.caFile = trusted
            }) { replica in
                try await Self.waitUntilCaughtUp(replica, primary)
                let bob = try await Self.client(replica, uid: 2)
                #expect(try await bob.syncAll(from: 0).messages.count == 100)
            }
            for (what, configure) in [
                ("another CA", { (c: inout IMServerConfiguration) in
                    c.replication.tls = true
                    c.replication.caFile = untrusted
                }),
                ("plain TCP", { (_: inout IMServerConfiguration) in }),
            ] {
                try await withReplica(of: primary, configure: configure) { replica in
                    try await eventually("the replica over \(what) says why it gets nothing") {
                        let (_, summary) = try await replica.admin("GET", "/summary")
                        let state = (summary["replication"] as? [String: Any])?["primary"] as? [String: Any]
                        return state?["last_error"] is String && state?["connected"] as? Bool != true
                    }
                    let (_, summary) = try await replica.admin("GET", "/summary")
                    let state = (summary["replication"] as? [String: Any])?["primary"] as? [String: Any]
                    #expect((state?["last_id"] as? Int ?? 0) == 0, "over \(what)")
                }
            }
        }
    }

    /// `replication_tls` on a primary needs the server's certificate.
    @Test func replicationTLSOnAPrimaryNeedsACertificate() {
        var configuration = IMServerConfiguration()
        configuration.replication.listen = .init(host: "127.0.0.1", port: 0)
        configuration.replication.token = Self.token
        configuration.replication.tls = true
        #expect(throws: IMConfigurationError.self) { try configuration.validate() }
        configuration.replication.caFile = ""
        configuration.tls = .init(certificateFile: "c.pem", keyFile: "k.pem")
        do {
            try configuration.validate()
            Issue.record("an empty replication_ca_file was accepted")
        } catch {
            #expect(error.field == "replication_ca_file")
        }
    }

    // MARK: - Support

    private func withPrimary(
        dataDirectory: String? = nil,
        configure: @escaping (inout IMServerConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        try await withTestServer(dataDirectory: dataDirectory, configure: { configuration in
            configuration.replication.listen = .init(host: "127.0.0.1", port: 0)
            configuration.replication.token = Self.token
            configuration.jwtSecret = Self.jwtSecret
            configuration.nodeID = "primary"
            configure(&configuration)
        }, body)
    }

    private func withReplica(
        of primary: TestServer,
        host: String = "127.0.0.1",
        token: String = Self.token,
        dataDirectory: String? = nil,
        configure: @escaping (inout IMServerConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let address = try #require(primary.addresses.replication)
        try await withTestServer(dataDirectory: dataDirectory, configure: { configuration in
            configuration.replication.replicaOf = .init(host: host, port: address.port)
            configuration.replication.token = token
            configuration.jwtSecret = Self.jwtSecret
            configuration.nodeID = "replica"
            configure(&configuration)
        }, body)
    }

    /// A primary in `primaryData` (one message sent) and a replica of it that serves replication itself;
    /// `body` gets the replica once the primary noted the replica's address and stopped.
    private func withReplicaOfAStoppedPrimary(
        _ primaryData: TemporaryDirectory,
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let (started, starting) = AsyncStream<TestServer>.makeStream()
        let (stop, stopping) = AsyncStream<Void>.makeStream()
        let primaryRun = Task {
            defer { starting.finish() }
            try await withPrimary(dataDirectory: primaryData.path) { primary in
                let alice = try await Self.client(primary, uid: 1)
                #expect(try await alice.send(peerMessage(1, 2, "before")).status == .success)
                starting.yield(primary)
                for await _ in stop { break }
            }
        }
        var primaries = started.makeAsyncIterator()
        guard let primary = await primaries.next() else { return try await primaryRun.value }
        try await withReplica(of: primary, configure: { $0.replication.listen = .init(host: "127.0.0.1", port: 0) }) { replica in
            try await Self.waitUntilCaughtUp(replica, primary)
            let noted = primaryData.path + "/messages/replicas"
            try await eventually("the primary noted its replica's address") { FileManager.default.fileExists(atPath: noted) }
            stopping.yield()
            try await primaryRun.value
            try await body(replica)
        }
    }

    /// The former primary's data directory served again as a primary, without `replication_listen`.
    private func withRestartedPrimary(_ primaryData: TemporaryDirectory, _ body: (TestServer) async throws -> Void) async throws {
        try await withTestServer(dataDirectory: primaryData.path, configure: { configuration in
            configuration.nodeID = "primary"
            configuration.jwtSecret = Self.jwtSecret
        }, body)
    }

    /// A client logged in as `uid` with a JWT (which any server with the secret accepts).
    static func client(_ server: TestServer, uid: Int64) async throws -> IMClient {
        try await jwtClient(port: server.addresses.client.port, uid: uid, secret: jwtSecret)
    }

    /// Whether a client logs in on `server` with `token` (a directory token, not a JWT).
    static func logsIn(_ server: TestServer, token: String) async throws -> Bool {
        let client = try await server.connect()
        let ok = try await client.authenticate(token: token, deviceID: "probe", platform: .android, version: 2)
        try await client.close()
        return ok
    }

    /// Waits until the replica has every id the primary has made durable.
    static func waitUntilCaughtUp(_ replica: TestServer, _ primary: TestServer) async throws {
        let (_, summary) = try await primary.admin("GET", "/summary")
        let target = try #require((summary["store"] as? [String: Any])?["last_id"] as? Int)
        try await eventually("the replica to reach id \(target)") {
            let (_, summary) = try await replica.admin("GET", "/summary")
            let primary = (summary["replication"] as? [String: Any])?["primary"] as? [String: Any]
            return (primary?["last_id"] as? Int ?? 0) >= target
        }
    }
}
