import Crypto
import Foundation
import IMCore
import JWTKit
import NIOCore
import Testing

@Suite("Sessions over real sockets")
struct SessionTests {
    @Test func pingIsAnsweredBeforeLogin() async throws {
        try await withTestServer { server in
            let client = try await server.connect()
            try await client.ping()
            // Anything else before login is ignored, not relayed and not ACKed.
            await #expect(throws: IMClientError.self) {
                _ = try await client.send(peerMessage(1, 2, "sneaky"), timeout: .milliseconds(300))
            }
            try await client.ping()
            #expect(client.isActive)
            let receiver = try await server.client(uid: 2)
            #expect(try await receiver.sync(from: 0).messages.isEmpty)
        }
    }

    @Test func loginFailureLeavesTheConnectionOpenForARetry() async throws {
        try await withTestServer { server in
            let client = try await server.connect()
            #expect(try await client.authenticate(token: "no-such-token") == false)
            #expect(try await client.version == 2, "a failed login does not change the version")
            try await client.ping()
            #expect(try await client.authenticate(token: try await server.token(uid: 3)))
            #expect(try await client.send(peerMessage(3, 4, "after retry")).status == .success)
        }
    }

    @Test func revokedAndExpiredTokensAreRefused() async throws {
        try await withTestServer { server in
            let token = try await server.token(uid: 3)
            let (status, body) = try await server.admin("DELETE", "/auth/token", json: ["token": token])
            #expect(status == 200)
            #expect((body["data"] as? [String: Any])?["revoked"] as? Bool == true)
            let client = try await server.connect()
            #expect(try await client.authenticate(token: token) == false)
            let (badTTL, error) = try await server.admin(
                "POST",
                "/auth/token",
                json: ["appid": 7, "uid": 3, "ttl": -5]
            )
            #expect(badTTL == 400)
            #expect(((error["meta"] as? [String: Any])?["message"] as? String)?.hasPrefix("ttl") == true)
        }
    }

    @Test func jwtLogin() async throws {
        let secret = "a-secret-of-at-least-32-bytes-long!!"
        try await withTestServer(configure: { $0.jwtSecret = secret }) { server in
            struct Claims: JWTPayload {
                var appid: Int64
                var uid: Int64
                var exp: ExpirationClaim?
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            let valid = try await keys.sign(
                Claims(appid: 7, uid: 42, exp: .init(value: Date().addingTimeInterval(600)))
            )
            let expired = try await keys.sign(
                Claims(appid: 7, uid: 42, exp: .init(value: Date().addingTimeInterval(-10)))
            )
            let otherKeys = JWTKeyCollection()
            await otherKeys.add(hmac: HMACKey(from: String(secret.reversed())), digestAlgorithm: .sha256)
            let forged = try await otherKeys.sign(Claims(appid: 7, uid: 42, exp: nil))

            for (token, expected) in [(valid, true), (expired, false), (forged, false)] {
                let client = try await server.connect()
                #expect(try await client.authenticate(token: token) == expected)
                if expected {
                    let ack = try await client.send(peerMessage(42, 43, "via jwt"))
                    #expect(ack.status == .success)
                }
                try await client.close()
            }
        }
    }

    @Test func syncPagesWithHasMore() async throws {
        try await withTestServer(configure: { $0.session.syncBatchLimit = 5 }) { server in
            let alice = try await server.client(uid: 1)
            for index in 0..<12 { _ = try await alice.send(peerMessage(1, 2, "m\(index)")) }
            let bob = try await server.client(uid: 2)
            var key: Int64 = 0
            var pages: [Int] = []
            var texts: [String] = []
            while true {
                let page = try await bob.sync(from: key)
                #expect(page.beginKey == key)
                pages.append(page.messages.count)
                texts += page.messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) }
                if let more = page.moreKey { #expect(more > page.endKey) }
                key = page.endKey
                if !page.hasMore { break }
            }
            #expect(pages == [5, 5, 2])
            #expect(texts == (0..<12).map { "m\($0)" })
        }
    }

    @Test func syncKeyZeroUsesTheServerStoredKeyWhichOnlyGrows() async throws {
        try await withTestServer(configure: { $0.session.syncBatchLimit = 2 }) { server in
            let alice = try await server.client(uid: 1)
            for index in 0..<4 { _ = try await alice.send(peerMessage(1, 2, "m\(index)")) }
            let bob = try await server.client(uid: 2)
            // No key stored yet: key 0 starts at the beginning.
            let firstTwo = try await bob.sync(from: 0)
            #expect(firstTwo.messages.count == 2 && firstTwo.hasMore)
            // Store the key after the second message, then a smaller one: the larger stays.
            try await bob.write(.syncKey, body: IMScalarBody.int64(firstTwo.endKey))
            try await bob.write(.syncKey, body: IMScalarBody.int64(1))
            let fromServerKey = try await bob.sync(from: 0)
            #expect(fromServerKey.beginKey == firstTwo.endKey)
            #expect(
                fromServerKey.messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) } == [
                    "m2", "m3",
                ]
            )
        }
    }

    @Test func idleConnectionsAreClosedButPingingOnesStay() async throws {
        // 30 s against pings every 100 ms: a loaded machine running the whole suite in parallel (both cores
        // busy besides) starved the test process for seconds at a time; at 4 s a client was closed as idle
        // before its login went out, at 400 ms a starved pinger was, and at 15 s (load average 26) too.
        try await withTestServer(configure: { $0.session.idleTimeout = .seconds(30) }) { server in
            let idle = try await server.client(uid: 1)
            let busy = try await server.client(uid: 2)
            let pinger = Task {
                while !Task.isCancelled {
                    try await busy.ping()
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            try await idle.waitUntilClosed()
            #expect(busy.isActive)
            pinger.cancel()
            _ = await pinger.result
            let (_, summary) = try await server.admin("GET", "/summary")
            #expect(summary["idle_closed_count"] as? Int == 1)
        }
    }

    @Test(arguments: [
        ("bad length", [0x00, 0x00, 0x80, 0x00, 0, 0, 0, 1, 4, 2, 0, 0] as [UInt8]),
        ("negative length", [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 4, 2, 0, 0]),
        ("server command", [0, 0, 0, 4, 0, 0, 0, 1, 3, 2, 0, 0, 0, 0, 0, 0]),
        ("short IM body", [0, 0, 0, 4, 0, 0, 0, 1, 4, 2, 0, 0, 1, 2, 3, 4]),
        ("ping with a body", [0, 0, 0, 1, 0, 0, 0, 1, 13, 2, 0, 0, 9]),
    ])
    func malformedFrameClosesOnlyItsConnection(name: String, bytes: [UInt8]) async throws {
        try await withTestServer { server in
            let bad = try await server.client(uid: 1)
            let good = try await server.client(uid: 2)
            try await bad.writeRaw(ByteBuffer(bytes: bytes))
            try await bad.waitUntilClosed()
            #expect(try await good.send(peerMessage(2, 3, "still fine")).status == .success)
            let (_, summary) = try await server.admin("GET", "/summary")
            #expect(summary["protocol_error_count"] as? Int == 1, "\(name)")
        }
    }

    @Test func aSlowReaderDoesNotStallOthers() async throws {
        try await withTestServer(configure: { $0.session.maxQueuedPushes = 10 }) { server in
            // A receiver that logs in and then never reads.
            let token = try await server.token(uid: 100)
            let socket = try RawSocket(port: server.addresses.client.port)
            var login = ByteBuffer()
            login.writeIMFrame(
                IMFrame(
                    seq: 1,
                    command: .authToken,
                    version: 2,
                    body: IMAuthToken(platform: .android, token: token, deviceID: "slow").body()
                )
            )
            try socket.write(login)
            let sender = try await server.client(uid: 101)
            let other = try await server.client(uid: 102)
            let otherReceiver = try await server.client(uid: 103)
            let content = String(repeating: "x", count: 30_000)
            for index in 0..<400 {
                #expect(try await sender.send(peerMessage(101, 100, content, msgID: Int32(index))).status == .success)
            }
            // Others are served while the slow one's pushes pile up and get dropped.
            #expect(try await other.send(peerMessage(102, 103, "hello")).status == .success)
            _ = try await otherReceiver.next { $0.frame.command == .im }
            let (_, summary) = try await server.admin("GET", "/summary")
            #expect((summary["dropped_push_count"] as? Int ?? 0) > 0)
            // Nothing is lost: everything is in the slow receiver's queue for its next sync.
            let (_, count) = try await server.admin("GET", "/get_offline_count?appid=7&uid=100")
            #expect((count["data"] as? [String: Any])?["count"] as? Int == 400)
            socket.close()
        }
    }
}

/// A blocking TCP socket that writes and never reads: a client that stopped reading.
final class RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // A small receive buffer so the server's side fills quickly.
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw IMClientError(.connectionClosed, "connect failed: errno \(errno)") }
    }

    func write(_ buffer: ByteBuffer) throws {
        let written = buffer.withUnsafeReadableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == buffer.readableBytes else { throw IMClientError(.connectionClosed, "short write") }
    }

    func close() {
        Glibc.close(fd)
    }
}
