import Foundation
import NIOCore
import Testing

@testable import IMCore

/// A data directory on a small tmpfs (mounting needs root; elsewhere the test is skipped and says so).
private enum SmallDisk {
    static let available: Bool = {
        let probe = TemporaryDirectory()
        defer { probe.remove() }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.path]) else { return false }
        return run("/bin/umount", [probe.path])
    }()

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs `body` with a fresh tmpfs of `megabytes` mounted at a temporary directory.
    static func with<T>(megabytes: Int, _ body: (String) async throws -> T) async throws -> T {
        let mount = TemporaryDirectory()
        defer { mount.remove() }
        try #require(run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", mount.path]))
        defer { run("/bin/umount", ["-l", mount.path]) }
        return try await body(mount.path)
    }

    /// Fills the file system at `path` but for `leaving` bytes with a file, `path/filler`.
    static func fill(_ path: String, leaving: Int) throws {
        let file = path + "/filler"
        var stats = statvfs()
        try #require(statvfs(path, &stats) == 0)
        let free = Int(stats.f_bavail) * Int(stats.f_frsize)
        FileManager.default.createFile(atPath: file, contents: Data(count: max(0, free - leaving)))
    }
}

@Suite("A full disk")
struct FullDiskTests {
    /// With no room left for the log, messages are refused with 68 (never ACKed and lost), what was ACKed
    /// stays readable, and logins and syncs go on; once there is room again, messages are taken at once,
    /// without a restart, and everything ACKed is there after one.
    @Test(.enabled(if: SmallDisk.available, "mounting a tmpfs needs root"))
    func messagesAreRefusedNothingACKedIsLostAndReadsGoOn() async throws {
        try await SmallDisk.with(megabytes: 12) { disk in
            let data = disk + "/data"
            var acked: [String] = []
            func send(_ client: IMClient, _ text: String) async throws -> IMMessageACK.Status {
                let status = try await client.send(peerMessage(1, 2, text)).status
                if status == .success { acked.append(text) }
                return status
            }
            try await withTestServer(dataDirectory: data, configure: { $0.storage.fsync = .batch }) { server in
                let sender = try await server.client(uid: 1)
                // Tokens issued while there is room (issuing one writes to the directory).
                let receiverToken = try await server.token(uid: 2)
                for index in 0..<20 { #expect(try await send(sender, "before-\(index)") == .success) }
                try SmallDisk.fill(disk, leaving: 4096)
                var statuses: [IMMessageACK.Status: Int] = [:]
                for index in 0..<300 {
                    let status = try await send(sender, "full-\(index)-" + String(repeating: "x", count: 900))
                    statuses[status, default: 0] += 1
                }
                #expect(statuses[.serverError, default: 0] > 0, "the disk never filled: \(statuses)")
                #expect(Set(statuses.keys).isSubset(of: [.success, .serverError]), "\(statuses)")
                // Logins and syncs are served from what is there.
                let receiver = try await server.connect()
                #expect(try await receiver.authenticate(token: receiverToken, deviceID: "device-2"))
                let stored = try await receiver.syncAll(from: 0).messages.map {
                    String(buffer: try IMMessage(body: $0.body, version: 2).content)
                }
                #expect(stored == acked, "\(acked.count) ACKed, \(stored.count) read back")
                // Room again: the same server takes messages again.
                try FileManager.default.removeItem(atPath: disk + "/filler")
                for index in 0..<20 { #expect(try await send(sender, "room-again-\(index)") == .success) }
                let again = try await receiver.syncAll(from: 0).messages.map {
                    String(buffer: try IMMessage(body: $0.body, version: 2).content)
                }
                #expect(again == acked, "with room again: \(acked.count) ACKed, \(again.count) read back")
            }
            try await withTestServer(dataDirectory: data, configure: { $0.storage.fsync = .batch }) { server in
                let sender = try await server.client(uid: 1)
                #expect(try await send(sender, "after") == .success)
                let receiver = try await server.client(uid: 2)
                let stored = try await receiver.syncAll(from: 0).messages.map {
                    String(buffer: try IMMessage(body: $0.body, version: 2).content)
                }
                #expect(stored == acked, "after the restart: \(acked.count) ACKed, \(stored.count) read back")
            }
        }
    }

    /// The store itself on a full disk: a refused append leaves no entry behind (no key handed out for it is
    /// ever read or counted), the log is cut back to its durable end, and appends go on once there is room;
    /// reopened, the log holds exactly what was acknowledged, with nothing torn or corrupt to recover.
    @Test(.enabled(if: SmallDisk.available, "mounting a tmpfs needs root"))
    func theStoreRollsBackAndGoesOnWhenThereIsRoom() async throws {
        try await SmallDisk.with(megabytes: 12) { disk in
            var configuration = LogStoreConfiguration(directory: disk + "/messages")
            configuration.fsync = .batch
            configuration.segmentSize = 4 << 20
            configuration.logger.logLevel = .critical
            let queue = QueueID.personal(appID: 7, uid: 2)
            let body = String(repeating: "z", count: 20_000)
            var acked: [UInt64] = []
            var refused = 0
            let store = try LogStore(configuration: configuration)
            try SmallDisk.fill(disk, leaving: 1 << 20)
            // Concurrent appends, so refusals hit whole batches and the appends encoded after them.
            for _ in 0..<20 {
                try await withThrowingTaskGroup(of: UInt64?.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            let message = NewMessage(command: 4, body: ByteBuffer(string: body), senderDeviceID: 1, timestamp: 0)
                            return try? await store.append(message, to: [queue])[0].id
                        }
                    }
                    for try await id in group {
                        if let id { acked.append(id) } else { refused += 1 }
                    }
                }
            }
            #expect(refused > 0, "the disk never filled")
            acked.sort()
            #expect(try await store.sync(queue, after: 0, limit: 1000).messages.map(\.id) == acked)
            #expect(try await store.newCount(queue, after: 0) == acked.count)
            #expect(try await store.lastID(queue) == acked.last ?? 0)

            try FileManager.default.removeItem(atPath: disk + "/filler")
            let message = NewMessage(command: 4, body: ByteBuffer(string: "room"), senderDeviceID: 1, timestamp: 0)
            let after = try await store.append(message, to: [queue])
            #expect(after[0].previousID == acked.last ?? 0)
            acked.append(after[0].id)
            #expect(try await store.sync(queue, after: 0, limit: 1000).messages.map(\.id) == acked)
            try store.close()

            try FileManager.default.removeItem(atPath: disk + "/messages/index.snapshot")
            let reopened = try LogStore(configuration: configuration)
            #expect(try await reopened.sync(queue, after: 0, limit: 1000).messages.map(\.id) == acked)
            #expect(reopened.stats.corruptRecords == 0)
            #expect(reopened.stats.recoveredBytes == 0)
            try reopened.close()
        }
    }
}
