import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Server lifecycle")
struct ServerLifecycleTests {
    @Test func aRestartKeepsMessagesTokensAndSyncKeys() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (token, endKey) = try await withTestServer(dataDirectory: directory.path) { server in
            let alice = try await server.client(uid: 1)
            for index in 0..<3 { _ = try await alice.send(peerMessage(1, 2, "m\(index)")) }
            let token = try await server.token(uid: 2)
            let bob = try await server.connect()
            #expect(try await bob.authenticate(token: token, deviceID: "bob-phone"))
            let firstTwo = try await bob.sync(from: 0)
            try await bob.write(.syncKey, body: IMScalarBody.int64(firstTwo.endKey))
            try await bob.ping()
            return (token, firstTwo.endKey)
        }
        try await withTestServer(dataDirectory: directory.path) { server in
            let bob = try await server.connect()
            #expect(try await bob.authenticate(token: token, deviceID: "bob-phone"), "issued tokens survive a restart")
            let synced = try await bob.sync(from: 0)
            #expect(synced.beginKey == endKey, "the server-stored sync key survives a restart")
            #expect(synced.messages.isEmpty)
            let alice = try await server.client(uid: 1)
            let own = try await alice.sync(from: 0)
            #expect(own.messages.count == 3)
            let (_, summary) = try await server.admin("GET", "/summary")
            let store = try #require(summary["store"] as? [String: Any])
            #expect(store["replayed_records"] as? Int == 0, "a graceful shutdown snapshots the index")
        }
    }

    @Test func theConnectionLimitClosesTheOldest() async throws {
        try await withTestServer(configure: { $0.session.maxConnectionsPerUser = 2 }) { server in
            let first = try await server.client(uid: 1, device: "a")
            let second = try await server.client(uid: 1, device: "b")
            let third = try await server.client(uid: 1, device: "c")
            try await first.waitUntilClosed()
            try await second.ping()
            try await third.ping()
            let (_, summary) = try await server.admin("GET", "/summary")
            #expect(summary["client_count"] as? Int == 2)
        }
    }

    @Test func aBusyAddressIsAClearStartupError() async throws {
        try await withTestServer { server in
            let busy = server.addresses.client.port
            await #expect {
                try await withTestServer(configure: { $0.clientAddress.port = busy }) { _ in }
            } throws: { error in
                "\(error)".contains("listen") && "\(error)".contains("\(busy)")
            }
        }
    }
}
