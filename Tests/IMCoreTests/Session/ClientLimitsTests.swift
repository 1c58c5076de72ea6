import Foundation
import IMCore
import NIOCore
import Testing

/// The client limits (`IMServerConfiguration.Limits`) over real sockets, as an attacker meets them: each
/// refusal happens, is counted in `/summary`'s `refused`, and leaves everyone else alone.
@Suite("Client limits over real sockets")
struct ClientLimitsTests {
    /// `/summary`'s `refused` count for `cause`.
    private func refused(_ server: TestServer, _ cause: String) async throws -> Int {
        let (_, summary) = try await server.admin("GET", "/summary")
        let refused = try #require(summary["refused"] as? [String: Any], "no refused in /summary: \(summary)")
        return try #require(refused[cause] as? Int, "no \(cause) in \(refused)")
    }

    /// Connects to `host:port` and waits for the server to close the connection (it may be closed before
    /// the client's pipeline is ready, and then connecting fails).
    private func expectClosed(_ host: String, _ port: Int) async throws {
        let client: IMClient
        do {
            client = try await IMClient.connect(host: host, port: port)
        } catch {
            return
        }
        try await client.waitUntilClosed()
    }

    @Test func connectionsThatDoNotLogInAreClosedAtTheLoginTimeout() async throws {
        // 10 s (the default): each client that logs in does so right after its own connect, so only that
        // gap races the deadline, not the other connects (a run with both cores busy lost that race at 5 s).
        try await withTestServer(configure: { $0.limits.loginTimeout = .seconds(10) }) { server in
            let token = try await server.token(uid: 1)
            let member = try await server.connect()
            #expect(try await member.authenticate(token: token))
            let failing = try await server.connect()
            #expect(try await failing.authenticate(token: "wrong") == false)
            let silent = try await server.connect()
            let pinging = try await server.connect()
            let pinger = Task {
                // PINGs are answered before login, but do not hold the connection open.
                while !Task.isCancelled, pinging.isActive {
                    try? await pinging.ping()
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { pinger.cancel() }
            try await silent.waitUntilClosed()
            try await pinging.waitUntilClosed()
            try await failing.waitUntilClosed()
            try await member.ping()
            #expect(member.isActive)
            #expect(try await refused(server, "login_timeout") == 3)
        }
    }

    @Test func theLoginTimeoutCanBeTurnedOff() async throws {
        try await withTestServer(configure: {
            $0.limits.loginTimeout = .zero
            $0.session.idleTimeout = .seconds(30)
        }) { server in
            let silent = try await server.connect()
            try await Task.sleep(for: .seconds(2))
            try await silent.ping()
            #expect(silent.isActive)
            #expect(try await refused(server, "login_timeout") == 0)
        }
    }

    @Test func aWebSocketThatNeverUpgradesIsClosedAtTheLoginTimeout() async throws {
        try await withTestServer(configure: {
            $0.webSocketAddress = .init(host: "127.0.0.1", port: 0)
            $0.limits.loginTimeout = .seconds(1)
        }) { server in
            let port = try #require(server.addresses.webSocket?.port)
            let started = ContinuousClock.now
            try await expectClosed("127.0.0.1", port)
            // Not the idle timeout (360 s): the login timeout, give or take a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }

    @Test func connectionsPastMaxConnectionsAreClosedAtOnceAndTheSlotComesBack() async throws {
        try await withTestServer(configure: { $0.limits.maxConnections = 2 }) { server in
            let first = try await server.client(uid: 1)
            let second = try await server.client(uid: 2)
            try await expectClosed("127.0.0.1", server.addresses.client.port)
            #expect(try await refused(server, "max_connections") == 1)
            #expect(try await first.send(peerMessage(1, 2, "still served")).status == .success)
            try await second.close()
            // The server learns of the close a moment later; until then a new connection is refused.
            let deadline = ContinuousClock.now + .seconds(30)
            var admitted: IMClient?
            while admitted == nil, ContinuousClock.now < deadline {
                let token = try await server.token(uid: 3)
                let client = try await server.connect()
                if (try? await client.authenticate(token: token)) == true { admitted = client } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(admitted != nil, "no connection was admitted after one of the two closed")
        }
    }

    @Test func connectionsPastTheLimitPerAddressAreClosedAndOtherAddressesAreNot() async throws {
        try await withTestServer(configure: { $0.limits.maxConnectionsPerIP = 2 }) { server in
            let port = server.addresses.client.port
            let token = try await server.token(uid: 5)
            let first = try await IMClient.connect(host: "127.0.0.1", port: port)
            let second = try await IMClient.connect(host: "127.0.0.1", port: port)
            try await expectClosed("127.0.0.1", port)
            let elsewhere = try await IMClient.connect(host: "127.0.0.1", port: port, from: "127.0.0.2")
            #expect(try await elsewhere.authenticate(token: token))
            #expect(try await first.authenticate(token: token))
            try await second.ping()
            #expect(try await refused(server, "per_ip") == 1)
        }
    }

    @Test func messagesPastTheRateAreRefusedWith67AndNotDelivered() async throws {
        try await withTestServer(configure: {
            $0.limits.maxMessagesPerSecond = 1
            $0.limits.messageBurst = 3
        }) { server in
            let sender = try await server.client(uid: 10)
            let started = ContinuousClock.now
            var statuses: [IMMessageACK.Status] = []
            for index in 0..<10 {
                statuses.append(try await sender.send(peerMessage(10, 11, "m\(index)", msgID: Int32(index))).status)
            }
            let elapsed = ContinuousClock.now - started
            let accepted = statuses.filter { $0 == .success }.count
            let limited = statuses.filter { $0 == .rateLimited }.count
            #expect(accepted + limited == 10, "other statuses: \(statuses)")
            // The burst, plus one a second for the time the sends took.
            #expect(accepted <= 3 + Int(elapsed.components.seconds) + 1, "\(accepted) accepted in \(elapsed)")
            #expect(try await refused(server, "rate_limited") == limited)
            let receiver = try await server.client(uid: 11)
            #expect(try await receiver.sync(from: 0).messages.count == accepted)
            // The bucket refills: after two seconds a message is accepted again.
            try await Task.sleep(for: .seconds(2))
            #expect(try await sender.send(peerMessage(10, 11, "later")).status == .success)
        }
    }

    @Test func aV1ClientPastTheRateIsDisconnected() async throws {
        try await withTestServer(configure: {
            $0.limits.maxMessagesPerSecond = 1
            $0.limits.messageBurst = 2
        }) { server in
            let sender = try await server.client(uid: 20, version: 1)
            for index in 0..<20 {
                guard sender.isActive else { break }
                try? await sender.write(.im, body: peerMessage(20, 21, "m\(index)").body(version: 1))
            }
            try await sender.waitUntilClosed()
            #expect(try await refused(server, "rate_limited") >= 1)
        }
    }

    @Test func aConnectionIsClosedAfterMaxLoginFailures() async throws {
        try await withTestServer(configure: { $0.limits.maxLoginFailures = 3 }) { server in
            let client = try await server.connect()
            #expect(try await client.authenticate(token: "wrong-1") == false)
            #expect(try await client.authenticate(token: "wrong-2") == false)
            #expect(client.isActive)
            #expect((try? await client.authenticate(token: "wrong-3")) != true)
            try await client.waitUntilClosed()
            #expect(try await refused(server, "login_failures") == 1)
            let (_, summary) = try await server.admin("GET", "/summary")
            #expect(summary["login_failed_count"] as? Int == 3)
        }
    }

    @Test func anAddressWithTooManyFailedLoginsIsRefusedForTheMinute() async throws {
        try await withTestServer(configure: {
            $0.limits.maxLoginFailures = 0
            $0.limits.maxLoginFailuresPerIP = 2
        }) { server in
            let token = try await server.token(uid: 30)
            // The window is the clock's minute: start well inside one.
            let second = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
            if second > 40 { try await Task.sleep(for: .seconds(61 - second)) }
            let guesser = try await server.connect()
            #expect(try await guesser.authenticate(token: "guess-1") == false)
            #expect(try await guesser.authenticate(token: "guess-2") == false)
            // Even a good token from that address is refused now, and its connection closed.
            let next = try await server.connect()
            #expect((try? await next.authenticate(token: token)) != true)
            try await next.waitUntilClosed()
            #expect(try await refused(server, "login_failures_per_ip") == 1)
        }
    }
}
