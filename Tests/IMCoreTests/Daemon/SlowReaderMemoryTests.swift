import Foundation
import IMCore
import NIOCore
import Testing

/// README "Memory per connection is bounded", asserted on a real imd: what clients that never read cost
/// the server is bounded by the per-connection caps, whatever the volume sent to them.
@Suite("imd process: slow readers")
struct SlowReaderMemoryTests {
    static let readers = 40
    static let perReader = 500
    static let messageBytes = 16 * 1024

    /// 40 clients log in and never read; one sender sends each of them 500 messages of 16 KiB (320 MB in
    /// all). Kept without bound, that is 320 MB of imd's memory; with 10 held pushes and a 256 KiB write
    /// buffer per connection it is under 0.5 MiB per reader. Every message is ACKed and stored: the
    /// readers find all of them at their next sync.
    @Test func whatNonReadingClientsHoldIsBoundedByTheCaps() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/imd.toml"
        try "[session]\nmax_queued_pushes = 10\nwrite_buffer_high_water = \"256KiB\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess(
            dataDirectory: directory.path + "/data",
            fsync: "interval",
            arguments: ["--config", config]
        )
        var sockets: [RawSocket] = []
        defer { for socket in sockets { socket.close() } }
        for index in 0..<Self.readers {
            sockets.append(try await Self.loginNeverReading(uid: 1_000 + Int64(index), daemon))
        }
        let sender = try await daemon.client(uid: 1)
        let before = try Self.anonymousMemory(of: daemon)

        let body = String(repeating: "m", count: Self.messageBytes)
        let acked = try await withThrowingTaskGroup(of: Int.self) { group in
            // One sequence of sends per reader, at most 40 messages in flight.
            for index in 0..<Self.readers {
                group.addTask {
                    var acked = 0
                    for number in 0..<Self.perReader {
                        let message = peerMessage(1, 1_000 + Int64(index), body, msgID: Int32(number))
                        if try await sender.send(message).status == .success { acked += 1 }
                    }
                    return acked
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(acked == Self.readers * Self.perReader)
        let grown = try Self.anonymousMemory(of: daemon) - before
        let sent = Self.readers * Self.perReader * Self.messageBytes
        // The bound: 10 pushes + 256 KiB per reader is ~0.4 MiB, 17 MiB for 40; the rest is slack for the
        // allocator and the store's buffers, far below the 320 MB an unbounded server keeps.
        #expect(grown < 96 << 20, "imd's anonymous memory grew by \(grown >> 20) MiB for \(sent >> 20) MiB sent")

        let (_, summary) = try await daemon.admin("GET", "/summary")
        #expect((summary["dropped_push_count"] as? Int ?? 0) > 0)
        for index in [0, Self.readers / 2, Self.readers - 1] {
            let (_, count) = try await daemon.admin("GET", "/get_offline_count?appid=7&uid=\(1_000 + index)")
            #expect((count["data"] as? [String: Any])?["count"] as? Int == Self.perReader)
        }
        try await sender.close()
        _ = await daemon.terminate()
    }

    /// A client that logs in (without waiting for the reply) and then never reads.
    private static func loginNeverReading(uid: Int64, _ daemon: DaemonProcess) async throws -> RawSocket {
        let token = try await daemon.token(uid: uid)
        let socket = try RawSocket(port: daemon.clientPort)
        var login = ByteBuffer()
        let auth = IMAuthToken(platform: .android, token: token, deviceID: "slow-\(uid)")
        login.writeIMFrame(IMFrame(seq: 1, command: .authToken, version: 2, body: auth.body()))
        try socket.write(login)
        return socket
    }

    /// imd's anonymous resident memory (`RssAnon`), in bytes.
    private static func anonymousMemory(of daemon: DaemonProcess) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(daemon.process.processIdentifier)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kilobytes * 1024
    }
}
