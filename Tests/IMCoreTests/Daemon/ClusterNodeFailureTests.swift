import Foundation
import IMCore
import IMTestSupport
import Testing

/// Two `imd` processes on one database, senders on each writing to receivers on the other; one is killed
/// with SIGKILL under that load. Its clients reconnect where `/lookup` sends them and sync: every message
/// either node ACKed is there, once. `/lookup` stops handing out the dead node once its lease ran out,
/// and the node restarted with its `node_id` joins again.
@Suite("A node of a cluster killed", .enabled(if: TestPostgres.enabled))
struct ClusterNodeFailureTests {
    @Test func itsClientsReconnectThroughLookupAndNothingACKedIsLost() async throws {
        let directories = [TemporaryDirectory(), TemporaryDirectory(), TemporaryDirectory()]
        defer { for directory in directories { directory.remove() } }
        try await TestPostgres.withDatabase { url in
            func start(_ id: String, _ directory: TemporaryDirectory) async throws -> DaemonProcess {
                try await DaemonProcess(dataDirectory: directory.path, arguments: ["--postgres", url, "--node-id", id])
            }
            let a = try await start("a", directories[0])
            let b = try await start("b", directories[1])
            try await eventually("a and b live") { try await Self.nodes(a) == ["a": "live", "b": "live"] }

            // 1 (on a) writes to 2 (on b), 3 (on b) to 4 (on a).
            let (one, two, three, four) = (
                try await a.client(uid: 1), try await b.client(uid: 2), try await b.client(uid: 3),
                try await a.client(uid: 4)
            )
            let acked = LockedCollection()
            let sending = sendUntilFailure([(1, one), (3, three)], inFlight: 10, into: acked) { uid, client, text in
                try await client.send(peerMessage(uid, uid + 1, text)).status == .success
            }
            try await eventually("1,000 messages ACKed across the nodes") { acked.count >= 1_000 }
            await b.kill9()
            _ = await sending.result
            try? await one.close()
            try? await two.close()
            try? await three.close()
            let ackedBeforeKill = acked.snapshot()

            // b's clients come back through /lookup, which hands out b until its lease runs out.
            let reconnected = try await Self.reconnect(uid: 2, through: a)
            let (toTwo, _) = try await reconnected.syncAll(from: 0)
            let (toFour, _) = try await four.syncAll(from: 0)
            for (receiver, sender, messages) in [(2, "1-", toTwo), (4, "3-", toFour)] {
                let texts = messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) }
                let sent = ackedBeforeKill.filter { $0.hasPrefix(sender) }
                let lost = sent.filter { !Set(texts).contains($0) }
                #expect(lost.isEmpty, "\(lost.count) of \(sent.count) ACKed messages to \(receiver) were lost")
                #expect(Set(texts).count == texts.count, "a message to \(receiver) was stored twice")
            }

            try await eventually("b is dead once its lease ran out") { try await Self.nodes(a)["b"] == "dead" }
            for uid in 10...19 { #expect(try await Self.lookup(uid: uid, through: a)["node_id"] == "a") }

            // b restarted with its node_id (and an empty data dir) joins again and delivers across nodes.
            let restarted = try await start("b", directories[2])
            try await eventually("b live again") { try await Self.nodes(a) == ["a": "live", "b": "live"] }
            let five = try await restarted.client(uid: 5)
            try await eventually("5 online on a") {
                let (_, json) = try await a.admin("GET", "/users/online?appid=7&uid=5")
                return ((json["data"] as? [[String: Any]])?.first?["online"] as? Bool) == true
            }
            #expect(try await four.send(peerMessage(4, 5, "after the rejoin")).status == .success)
            let pushed = try await five.next { $0.frame.command == .im }
            #expect(String(buffer: try #require(pushed.message).content) == "after the rejoin")
            #expect(await restarted.terminate() == 0)
            #expect(await a.terminate() == 0)
        }
    }

    /// `/nodes`: each node's state by id.
    static func nodes(_ daemon: DaemonProcess) async throws -> [String: String] {
        let (status, json) = try await daemon.admin("GET", "/nodes")
        try #require(status == 200, "GET /nodes answered \(status): \(json)")
        var states: [String: String] = [:]
        for node in json["data"] as? [[String: Any]] ?? [] {
            if let id = node["node_id"] as? String { states[id] = node["state"] as? String }
        }
        return states
    }

    static func lookup(uid: Int, through daemon: DaemonProcess) async throws -> [String: String] {
        let (status, json) = try await daemon.admin("GET", "/lookup?appid=7&uid=\(uid)")
        try #require(status == 200, "GET /lookup answered \(status): \(json)")
        return (json["data"] as? [String: String]) ?? [:]
    }

    /// A client of `uid` where `/lookup` sends it, asking again while the node it got does not answer.
    static func reconnect(uid: Int64, through daemon: DaemonProcess) async throws -> IMClient {
        let token = try await daemon.token(uid: uid)
        var client: IMClient?
        try await eventually(every: .milliseconds(200), "uid \(uid) logged in where /lookup sent it") {
            let address = try await lookup(uid: Int(uid), through: daemon)["tcp"] ?? ""
            guard let endpoint = IMServerConfiguration.Endpoint(parsing: address),
                let connected = try? await IMClient.connect(host: endpoint.host, port: endpoint.port)
            else { return false }
            if (try? await connected.authenticate(token: token, deviceID: "device-\(uid)")) == true {
                client = connected
                return true
            }
            try? await connected.close()
            return false
        }
        return try #require(client)
    }
}
