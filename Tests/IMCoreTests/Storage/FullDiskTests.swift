import Foundation
import IMCore
import Testing

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
    /// stays readable, and logins and syncs go on; a restart with room again takes new messages.
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
                // Room again before the shutdown, which flushes the directory (sync keys, unread counts).
                try FileManager.default.removeItem(atPath: disk + "/filler")
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
}
