import Foundation
import IMCore
import NIOCore
import Testing

@Suite("imd process: groups")
struct GroupCrashTests {
    /// The fan-out of a normal group is durable before the ACK: killing imd right after ACKs loses no
    /// member's copy, even for members that were offline and never got a real-time push.
    @Test func everyACKedGroupMessageReachesEveryMemberAfterKill9() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try await DaemonProcess(dataDirectory: directory.path, fsync: "batch")
        let members = Array(Int64(1)...50)
        let body = try JSONSerialization.data(withJSONObject: ["appid": 7, "members": members] as [String: Any])
        let (status, created) = try await daemon.admin("POST", "/groups", body: String(decoding: body, as: UTF8.self))
        try #require(status == 200, "POST /groups: \(status) \(created)")
        let gid = try #require((created["data"] as? [String: Any])?["group_id"] as? Int64)
        var senders: [(Int64, IMClient)] = []
        for uid in Int64(1)...3 { senders.append((uid, try await daemon.client(uid: uid))) }
        let acked = LockedCollection()
        let sending = sendUntilFailure(senders, inFlight: 10, into: acked) { uid, client, text in
            try await client.sendGroup(groupMessage(uid, gid, text)).status == .success
        }
        try await eventually("300 group messages ACKed") { acked.count >= 300 }
        await daemon.kill9()
        _ = await sending.result
        let ackedBeforeKill = Set(acked.snapshot())

        let restarted = try await DaemonProcess(dataDirectory: directory.path, fsync: "batch")
        for uid in [Int64(1), 4, 25, 50] {
            let member = try await restarted.client(uid: uid)
            let (messages, _) = try await member.syncAll(from: 0)
            let stored = Set(messages.compactMap { $0.message() }.map { String(buffer: $0.content) })
            let lost = ackedBeforeKill.subtracting(stored)
            #expect(lost.isEmpty, "member \(uid) lost \(lost.count) of \(ackedBeforeKill.count) ACKed messages")
            try await member.close()
        }
        #expect(await restarted.terminate() == 0)
    }
}
