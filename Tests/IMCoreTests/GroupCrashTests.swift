import AsyncHTTPClient
import Foundation
import IMCore
import NIOCore
import Testing

extension DaemonProcess {
    /// `POST path` with a JSON body on the daemon's admin API; the reply's JSON.
    func adminPost(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(adminPort)\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(Self.adminToken)")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        try #require(response.status == .ok, "\(path): \(response.status) \(String(buffer: bytes))")
        return try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any] ?? [:]
    }
}

@Suite("imd process: groups")
struct GroupCrashTests {
    /// The fan-out of a normal group is durable before the ACK: killing imd right after ACKs loses no
    /// member's copy, even for members that were offline and never got a real-time push.
    @Test func everyACKedGroupMessageReachesEveryMemberAfterKill9() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonProcess(dataDirectory: directory.path, fsync: "batch")
        let members = Array(Int64(1)...50)
        let created = try await daemon.adminPost("/groups", ["appid": 7, "members": members])
        let gid = try #require((created["data"] as? [String: Any])?["group_id"] as? Int64)
        var senders: [(Int64, IMClient)] = []
        for uid in Int64(1)...3 { senders.append((uid, try await daemon.client(uid: uid))) }
        let acked = LockedCollection()
        let sending = sendUntilFailure(senders, inFlight: 10, into: acked) { uid, client, text in
            try await client.sendGroup(groupMessage(uid, gid, text)).status == .success
        }
        while acked.count < 300 { try await Task.sleep(for: .milliseconds(2)) }
        daemon.kill9()
        _ = await sending.result
        let ackedBeforeKill = Set(acked.snapshot())

        let restarted = try DaemonProcess(dataDirectory: directory.path, fsync: "batch")
        for uid in [Int64(1), 4, 25, 50] {
            let member = try await restarted.client(uid: uid)
            let (messages, _) = try await member.syncAll(from: 0)
            let stored = Set(messages.compactMap { $0.message() }.map { String(buffer: $0.content) })
            let lost = ackedBeforeKill.subtracting(stored)
            #expect(lost.isEmpty, "member \(uid) lost \(lost.count) of \(ackedBeforeKill.count) ACKed messages")
            try await member.close()
        }
        #expect(restarted.terminate() == 0)
    }
}
