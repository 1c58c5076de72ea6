import NIOCore
import Testing

@testable import IMCore

/// The `RouteBus` contract, through the port, with sessions on testing channels (no sockets): delivery
/// with the sender's exclusion, presence, rooms, and what the admin API asks about users.
@Suite("RouteBus conformance")
struct RouteBusConformanceTests {
    static let adapters: [BusAdapter] = [BusAdapter(name: "LocalBus") { $0 }]

    static func notify(_ key: UInt64) -> OutboundFrame { .syncKey(.syncNotify, key) }

    @Test(arguments: adapters)
    func deliveriesReachEverySessionOfEachRecipientButTheExcluded(adapter: BusAdapter) async throws {
        let harness = try SessionHarness(bus: adapter.make)
        let phone = try await harness.login(1, device: "phone")
        let tablet = try await harness.login(1, device: "tablet")
        let bob = try await harness.login(2)
        let queue = QueueID.personal(appID: 7, uid: 1)
        let entries = [QueueEntry(queue: queue, id: 5, previousID: 3), QueueEntry(queue: queue, id: 6, previousID: 5)]
        let frame = OutboundFrame.raw(.im, IMMessage(sender: 1, receiver: 2, msgID: 1, content: ByteBuffer(string: "x")).body(version: 2))
        let sender = SendingSession(user: UserKey(appID: 7, uid: 1), deviceID: try #require(await deviceID(phone)), sessionID: nil)
        harness.server.bus.deliver(
            Delivery(
                .stored(frame, entries: entries, realtime: true),
                to: [Delivery.Recipient(UserKey(appID: 7, uid: 2), entry: 0), Delivery.Recipient(UserKey(appID: 7, uid: 1), entry: 1)],
                except: sender
            )
        )
        #expect(try await phone.commands().isEmpty)
        let tabletFrames = try await tablet.received()
        #expect(tabletFrames.map(\.command) == [.metadata, .im, .syncNotify])
        #expect(try IMMetadata(body: tabletFrames[0].body).syncKey == 6)
        let bobFrames = try await bob.received()
        #expect(try IMMetadata(body: bobFrames[0].body).syncKey == 5)
        harness.server.bus.deliver(Delivery(.stored(frame, entries: entries, realtime: false), to: [Delivery.Recipient(UserKey(appID: 7, uid: 2))]))
        #expect(try await bob.commands() == [.syncNotify])
    }

    @Test(arguments: adapters)
    func presenceKicksAndTheAdminViewFollowLogins(adapter: BusAdapter) async throws {
        let harness = try SessionHarness(bus: adapter.make)
        let bus = harness.server.bus
        let alice = UserKey(appID: 7, uid: 1)
        #expect(await presence(bus, alice) == .offline)
        let web = try await harness.login(1, device: "", platform: .web)
        #expect(await presence(bus, alice) == .otherPlatforms)
        _ = try await harness.login(1, device: "phone", platform: .ios)
        #expect(await presence(bus, alice) == .mobile)
        _ = try await harness.login(3)
        #expect(await bus.onlineUsers(appID: 7, limit: 10) == [1, 3])
        #expect(await bus.onlineUsers(appID: 7, limit: 1) == [1])
        #expect(await bus.sessions(of: alice).count == 2)
        #expect(await bus.kick(alice, deviceID: 0, reason: "test") == 1)
        await harness.settle()
        #expect(!web.channel.isActive)
        #expect(await bus.sessions(of: alice).count == 1)
    }

    @Test(arguments: adapters)
    func roomsRelayToTheirMembersButTheExcluded(adapter: BusAdapter) async throws {
        let harness = try SessionHarness(bus: adapter.make)
        let alice = try await harness.login(1)
        let bob = try await harness.login(2)
        let carol = try await harness.login(3)
        for session in [alice, bob] { try await session.send(.enterRoom, IMScalarBody.int64(9)) }
        let room = RoomKey(appID: 7, roomID: 9)
        let relayed = harness.server.bus.relay(
            .raw(.roomIM, IMRealtimeMessage(sender: 1, receiver: 9, content: ByteBuffer(string: "r")).body()),
            toRoom: room,
            except: SendingSession(user: UserKey(appID: 7, uid: 1), deviceID: try #require(await deviceID(alice)), sessionID: nil)
        )
        #expect(relayed == 1)
        #expect(try await alice.commands().isEmpty)
        #expect(try await bob.commands() == [.roomIM])
        #expect(try await carol.commands().isEmpty)
        try await bob.send(.leaveRoom, IMScalarBody.int64(9))
        #expect(harness.server.bus.relay(.raw(.roomIM, ByteBuffer()), toRoom: room, except: nil) == 1)
    }

    /// The numeric device id the session logged in with.
    func deviceID(_ session: TestSession) async -> Int64? {
        await session.harness.server.bus.sessions(of: UserKey(appID: 7, uid: 1)).first.map(\.deviceID)
    }
}

/// A route bus over a server's `LocalBus`, for the conformance suite.
struct BusAdapter: Sendable, CustomTestStringConvertible {
    var name: String
    var make: @Sendable (LocalBus) -> any RouteBus
    var testDescription: String { name }
}

/// A bus's answer for one user.
func presence(_ bus: any RouteBus, _ user: UserKey) async -> Presence {
    await withCheckedContinuation { continuation in
        bus.presence(of: [user]) { continuation.resume(returning: $0[0]) }
    }
}
