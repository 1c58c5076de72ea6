import NIOCore
import Synchronization
import Testing

@testable import IMCore

/// The message service and the sessions around it, without sockets: frames in and out of
/// `NIOAsyncTestingChannel` sessions, a `LogStore`, the `LocalBus`.
@Suite("Message service (no sockets)")
struct MessageServiceTests {
    func peer(_ sender: Int64, _ receiver: Int64, _ text: String) -> ByteBuffer {
        IMMessage(sender: sender, receiver: receiver, msgID: 1, content: ByteBuffer(string: text)).body(version: 2)
    }

    @Test func aPeerMessageReachesEveryDeviceButTheSendingOne() async throws {
        let harness = try SessionHarness()
        let phone = try await harness.login(1, device: "phone")
        let tablet = try await harness.login(1, device: "tablet")
        let bob = try await harness.login(2, device: "bob-phone")
        let bobWeb = try await harness.login(2, device: "", platform: .web)
        try await phone.send(.im, peer(1, 2, "hello"))

        #expect(try await phone.commands() == [.metadata, .ack])
        for session in [tablet, bob, bobWeb] {
            let frames = try await session.received()
            #expect(frames.map(\.command) == [.metadata, .im, .syncNotify])
            #expect(frames[1].flags.contains(.push))
            #expect(String(buffer: try IMMessage(body: frames[1].body, version: 2).content) == "hello")
        }
        #expect(try await harness.store.newCount(.personal(appID: 7, uid: 2), after: 0) == 1)
        #expect(try await harness.store.newCount(.personal(appID: 7, uid: 1), after: 0) == 1)
    }

    @Test func groupMessagesAreRefusedWithTheirStatusAndFannedOutToMembers() async throws {
        let harness = try SessionHarness()
        let members = [1, 2, 3].map { GroupMember(uid: $0, joinedAt: 1) }
        let gid = try await harness.directory.createGroup(
            GroupInfo(id: 0, appID: 7, master: 1, isSuper: false, members: Dictionary(uniqueKeysWithValues: members.map { ($0.uid, $0) }))
        )
        try await harness.directory.updateMember(gid, uid: 3, MemberChange(muted: true))
        let alice = try await harness.login(1)
        let bob = try await harness.login(2)
        let muted = try await harness.login(3)
        let outsider = try await harness.login(4)
        let body = { (sender: Int64, group: Int64) in
            IMMessage(sender: sender, receiver: group, msgID: 1, content: ByteBuffer(string: "hi all")).body(version: 2)
        }
        try await alice.send(.groupIM, body(1, gid))
        #expect(try await alice.commands() == [.metadata, .ack])
        #expect(try await bob.commands() == [.metadata, .groupIM, .syncNotify])
        #expect(try await muted.commands() == [.metadata, .groupIM, .syncNotify])

        for (session, sender, group, status) in [
            (outsider, Int64(4), gid, IMMessageACK.Status.notGroupMember), (muted, 3, gid, .muted),
            (alice, 1, gid + 1000, .groupNonexistent),
        ] {
            try await session.send(.groupIM, body(sender, group))
            let ack = try #require(try await session.received().first { $0.command == .ack })
            #expect(IMMessageACK(body: ack.body, version: 2).status == status)
        }
        #expect(try await bob.commands().isEmpty, "nothing refused reached a member")
    }

    @Test func aFriendshipCheckRefusesStrangers() async throws {
        let harness = try SessionHarness(configure: { $0.friendshipCheck = true })
        let alice = try await harness.login(1)
        let bob = try await harness.login(2)
        try await alice.send(.im, peer(1, 2, "hi"))
        let ack = try #require(try await alice.received().first { $0.command == .ack })
        #expect(IMMessageACK(body: ack.body, version: 2).status == .notMyFriend)
        #expect(try await bob.commands().isEmpty)
        _ = try await harness.directory.setRelation(.friends, appID: 7, uid: 1, other: 2, present: true)
        _ = try await harness.directory.setRelation(.friends, appID: 7, uid: 2, other: 1, present: true)
        try await alice.send(.im, peer(1, 2, "friends now"))
        #expect(try await alice.commands() == [.metadata, .ack])
        #expect(try await bob.commands() == [.metadata, .im, .syncNotify])
    }

    @Test func roomsRelayToTheRoomAndRefuseTheSpeakForbidden() async throws {
        let harness = try SessionHarness()
        let alice = try await harness.login(1)
        let bob = try await harness.login(2)
        let carol = try await harness.login(3)
        for session in [alice, bob, carol] { try await session.send(.enterRoom, IMScalarBody.int64(9)) }
        let room = { (sender: Int64) in IMRealtimeMessage(sender: sender, receiver: 9, content: ByteBuffer(string: "r")).body() }
        try await alice.send(.roomIM, room(1))
        #expect(try await alice.commands() == [.ack])
        #expect(try await bob.commands() == [.roomIM])
        #expect(try await carol.commands() == [.roomIM])
        try await harness.directory.setPreferences(UserKey(appID: 7, uid: 2), UserPreferences(forbidden: true))
        try await bob.send(.roomIM, room(2))
        let ack = try #require(try await bob.received().first { $0.command == .ack })
        #expect(IMMessageACK(body: ack.body, version: 2).status == .muted)
        #expect(try await carol.commands().isEmpty)
    }

    @Test func aSyncAnswersBeginMessagesEndAndNotifiesWhenMoreRemain() async throws {
        let harness = try SessionHarness(configure: { $0.session.syncBatchLimit = 2 })
        let alice = try await harness.login(1)
        let bob = try await harness.login(2)
        for n in 0..<3 { try await alice.send(.im, peer(1, 2, "m\(n)")) }
        _ = try await bob.received()
        try await bob.send(.sync, IMScalarBody.int64(0))
        #expect(try await bob.commands() == [.syncBegin, .im, .im, .syncEnd, .syncNotify])
    }

    @Test func copiesThatArriveWhileASyncIsReadGoAfterItsEndAndThoseItHadAreDropped() async throws {
        let harness = try SessionHarness(store: { DeferredSyncStore($0) })
        let store = try #require(harness.store as? DeferredSyncStore)
        let alice = try await harness.login(1)
        let bob = try await harness.login(2)
        try await bob.send(.sync, IMScalarBody.int64(0))
        #expect(try await bob.commands().isEmpty, "the page is still being read")
        try await alice.send(.im, peer(1, 2, "during the sync"))
        #expect(try await bob.commands().isEmpty, "the copy waits for the sync's END")
        store.releaseReads()
        let frames = try await bob.received()
        #expect(frames.map(\.command) == [.syncBegin, .im, .syncEnd], "the page had the message: no second copy")
        try await alice.send(.im, peer(1, 2, "after"))
        #expect(try await bob.commands() == [.metadata, .im, .syncNotify])
    }
}

/// A store whose syncs answer only when the test says so (as a remote store answers later).
final class DeferredSyncStore: MessageStore {
    private let inner: any MessageStore
    private let held = Mutex<[@Sendable () -> Void]>([])

    init(_ inner: any MessageStore) { self.inner = inner }

    func append(_ message: NewMessage, to queues: [QueueID], completion: @escaping @Sendable (Result<AppendReceipt, StoreError>) -> Void) {
        inner.append(message, to: queues, completion: completion)
    }

    func sync(
        _ queue: QueueID,
        after key: UInt64,
        limit: Int,
        notBefore: Int64?,
        completion: @escaping @Sendable (Result<SyncPage, StoreError>) -> Void
    ) {
        let inner = self.inner
        held.withLock { $0.append { inner.sync(queue, after: key, limit: limit, notBefore: notBefore, completion: completion) } }
    }

    /// Answers every sync asked for so far, reading the store now.
    func releaseReads() {
        for read in held.withLock({ reads in defer { reads = [] }; return reads }) { read() }
    }

    func history(_ queue: QueueID, before: UInt64, limit: Int, completion: @escaping @Sendable (Result<[StoredMessage], StoreError>) -> Void) {
        inner.history(queue, before: before, limit: limit, completion: completion)
    }

    func newCount(_ queue: QueueID, after key: UInt64, completion: @escaping @Sendable (Result<Int, StoreError>) -> Void) {
        inner.newCount(queue, after: key, completion: completion)
    }

    var statistics: MessageStoreStatistics { inner.statistics }
    func requestSnapshot() async throws -> SnapshotReport { try await inner.requestSnapshot() }
    func requestRetention() async throws -> RetentionReport { try await inner.requestRetention() }
    func run() async throws { try await inner.run() }
}
