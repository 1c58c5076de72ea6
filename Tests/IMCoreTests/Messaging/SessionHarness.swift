import Foundation
import Logging
import NIOCore
import NIOEmbedded

@testable import IMCore
@testable import IMWire

/// The server's logic without sockets: a `ServerContext` over a `LogStore` and a SQLite directory in a
/// temporary directory and a `LocalBus`, with sessions on `NIOAsyncTestingChannel`s that share one
/// testing event loop. Frames go in as bytes and come out as bytes, exactly as on a socket; `settle()`
/// waits for the store's answers and runs what the loop has queued (the hops from the ports back to the
/// sessions), until nothing more is in flight.
final class SessionHarness: Sendable {
    let loop = NIOAsyncTestingEventLoop()
    let data = TemporaryDirectory()
    private let logStore: LogStore
    private let inFlight: InFlightStore
    let store: any MessageStore
    let directory: SQLiteDirectory
    let server: ServerContext

    /// - Parameters:
    ///   - store: the store the server is given, around the harness's `LogStore` (that store by default).
    ///   - bus: the route bus over this server's `LocalBus` (the `LocalBus` itself by default).
    init(
        store: (any MessageStore) -> any MessageStore = { $0 },
        bus: (LocalBus) -> any RouteBus = { $0 },
        configure: (inout IMServerConfiguration) -> Void = { _ in }
    ) throws {
        var storeConfiguration = LogStoreConfiguration(directory: data.file("store"))
        storeConfiguration.fsync = .none
        storeConfiguration.logger.logLevel = .warning
        logStore = try LogStore(configuration: storeConfiguration)
        inFlight = InFlightStore(logStore)
        self.store = store(inFlight)
        var configuration = IMServerConfiguration(dataDirectory: data.path)
        configuration.logger.logLevel = .warning
        configure(&configuration)
        directory = try SQLiteDirectory(path: data.file("directory.sqlite"), logger: configuration.logger)
        let local = LocalBus(eventLoopGroup: loop)
        let messages = MessageService(
            configuration: configuration,
            counters: ServerCounters(),
            store: self.store,
            directory: directory,
            bus: bus(local),
            eventLoopGroup: loop
        )
        server = ServerContext(configuration: configuration, messages: messages, local: local, counters: messages.counters)
    }

    deinit {
        try? logStore.close()
        try? directory.closeNow()
        data.remove()
    }

    /// A new connection.
    func connect() async throws -> TestSession {
        let server = self.server
        let channel = try await NIOAsyncTestingChannel(loop: loop) { channel in
            try channel.pipeline.syncOperations.addHandler(SessionHandler(server: server, transport: .tcp))
        }
        return TestSession(channel: channel, harness: self)
    }

    /// A connection logged in as `uid` of app 7 on `device`.
    func login(_ uid: Int64, device: String = "phone", platform: IMAuthToken.Platform = .ios, version: UInt8 = 2)
        async throws -> TestSession
    {
        let token = try await directory.issueToken(appID: 7, uid: uid, ttl: nil, now: 1)
        let session = try await connect()
        try await session.send(.authToken, IMAuthToken(platform: platform, token: token, deviceID: device).body(), version: version)
        let status = try await session.received().first { $0.command == .authStatus }
        guard let status, try IMScalarBody.readInt32(status.body, .authStatus) == 0 else { throw TestSessionError("login of \(uid) failed") }
        return session
    }

    /// Runs every task the loop has queued (and those they queue), and again after each answer of the
    /// store, until no call to the store is in flight and a run of the loop started none.
    func settle() async {
        while true {
            let answered = inFlight.answered
            await loop.run()
            if inFlight.pending == 0 && inFlight.answered == answered { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// One connection's client end: frames written in, the server's frames read out.
final class TestSession {
    let channel: NIOAsyncTestingChannel
    let harness: SessionHarness
    private var seq: Int32 = 0
    private var pending = ByteBuffer()

    init(channel: NIOAsyncTestingChannel, harness: SessionHarness) {
        self.channel = channel
        self.harness = harness
    }

    /// Writes a frame as the client would (a read and its read-complete); returns its seq.
    @discardableResult
    func send(_ command: IMCommand, _ body: ByteBuffer, version: UInt8 = 2, flags: IMMessageFlags = []) async throws
        -> Int32
    {
        seq += 1
        var bytes = ByteBuffer()
        bytes.writeIMFrame(IMFrame(seq: seq, command: command, version: version, flags: flags, body: body))
        try await channel.writeInbound(bytes)
        await harness.settle()
        return seq
    }

    /// Every frame the server has written since the last call.
    func received() async throws -> [IMFrame] {
        await harness.settle()
        while let bytes = try await channel.readOutbound(as: ByteBuffer.self) { pending.writeImmutableBuffer(bytes) }
        var decoder = IMFrameDecoder(maxBodySize: 1 << 20)
        var frames: [IMFrame] = []
        while let frame = try decoder.decode(buffer: &pending) { frames.append(frame) }
        return frames
    }

    /// The commands of `received()`.
    func commands() async throws -> [IMCommand] { try await received().map(\.command) }
}

struct TestSessionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
