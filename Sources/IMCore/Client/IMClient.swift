import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// The client side of the GoBelieve protocol over TCP, TLS, WebSocket or WSS, with async calls: connect,
/// log in, send and await the ACK, sync, ping, and a stream of everything else the server pushes.
///
/// Used by the tests, imbench and embedders. Calls may be made from any task; frames are written in call
/// order. One sync at a time per connection.
public final class IMClient: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<IMClientHandler>
    /// Frames no call was waiting for (pushes, notifications, real-time messages), in arrival order.
    /// Finishes when the connection closes.
    public let events: AsyncStream<IMClientEvent>

    private init(channel: any Channel, handler: NIOLoopBound<IMClientHandler>, events: AsyncStream<IMClientEvent>) {
        self.channel = channel
        self.handler = handler
        self.events = events
    }

    /// Connects to `host:port` over `transport`; for WebSocket, returns once the upgrade is done.
    ///
    /// - Parameters:
    ///   - host: the server's address or name.
    ///   - port: its client port (`listen`), or the WebSocket port for `.ws` and `.wss`.
    ///   - transport: default `.tcp`.
    ///   - group: the event loops to use; default NIO's shared singleton.
    ///   - localAddress: the address to connect from (an IP address of this host); default the system's
    ///     choice.
    public static func connect(
        host: String,
        port: Int,
        transport: IMClientTransport = .tcp,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        from localAddress: String? = nil
    ) async throws -> IMClient {
        let (events, continuation) = AsyncStream<IMClientEvent>.makeStream()
        let pipeline = try ClientPipeline(transport)
        let ready = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)
        var bootstrap = ClientBootstrap(group: group)
        if let localAddress { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: localAddress, port: 0)) }
        let channel = try await bootstrap
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgraded = try pipeline.configure(channel, host: host, port: port) { channel in
                        try channel.pipeline.syncOperations.addHandler(IMClientHandler(events: continuation))
                    }
                    ready.withLockedValue { $0 = upgraded }
                }
            }
            .connect(host: host, port: port)
            .get()
        do {
            try await ready.withLockedValue { $0 }!.get()
        } catch {
            continuation.finish()
            try? await channel.close()
            throw error
        }
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(
                try channel.pipeline.syncOperations.handler(type: IMClientHandler.self),
                eventLoop: channel.eventLoop
            )
        }.get()
        return IMClient(channel: channel, handler: handler, events: events)
    }

    /// For TLS and WSS connections: the certificate the server presented (after the handshake, which the
    /// first exchange, e.g. `ping()`, completes); nil on other transports or before the handshake.
    public var tlsPeerCertificate: NIOSSLCertificate? {
        get async throws {
            let channel = self.channel
            return try await channel.eventLoop.submit {
                guard let handler = try? channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self) else {
                    return nil
                }
                return handler.peerCertificate
            }.get()
        }
    }

    /// The local and remote addresses.
    public var localAddress: SocketAddress? { channel.localAddress }

    /// Logs in (`MSG_AUTH_TOKEN` in `version`); returns whether the server accepted (status 0).
    /// On success later frames use `version`.
    public func authenticate(
        token: String,
        deviceID: String = "",
        platform: IMAuthToken.Platform = .android,
        version: UInt8 = 2
    ) async throws -> Bool {
        let handler = self.handler
        let token = IMAuthToken(platform: platform, token: token, deviceID: deviceID)
        let status = try await channel.eventLoop.flatSubmit {
            let promise = handler.eventLoop.makePromise(of: Int32.self)
            handler.value.authenticate(token, version: version, promise: promise)
            return promise.futureResult
        }.get()
        return status == 0
    }

    /// Sends a peer message (`MSG_IM`) and waits for its ACK.
    ///
    /// A v0/v1 connection gets no ACK for a refused message, hence `timeout`.
    public func send(
        _ message: IMMessage,
        flags: IMMessageFlags = [],
        timeout: Duration = .seconds(30)
    ) async throws -> IMAck {
        let version = try await self.version
        return try await send(.im, body: message.body(version: version), flags: flags, timeout: timeout)
    }

    /// Sends any message command whose answer is an ACK (IM, GROUP_IM, ROOM_IM, CUSTOMER_V2) and waits.
    public func send(
        _ command: IMCommand,
        body: ByteBuffer,
        flags: IMMessageFlags = [],
        timeout: Duration = .seconds(30)
    ) async throws -> IMAck {
        let handler = self.handler
        let loop = channel.eventLoop
        let (future, seq) = try await loop.submit {
            let promise = loop.makePromise(of: IMAck.self)
            handler.value.send(command, body: body, flags: flags, promise: promise)
            return (promise.futureResult, handler.value.nextSeq)
        }.get()
        let timer = loop.scheduleTask(in: TimeAmount(timeout)) { handler.value.cancelAck(seq: seq) }
        defer { timer.cancel() }
        return try await future.get()
    }

    /// Writes a frame and does not wait for anything (real-time messages, sync keys, client ACKs).
    /// Returns the seq it was given.
    @discardableResult
    public func write(_ command: IMCommand, body: ByteBuffer, flags: IMMessageFlags = []) async throws -> Int32 {
        let handler = self.handler
        return try await channel.eventLoop.submit { handler.value.write(command, body: body, flags: flags) }.get()
    }

    /// Writes raw bytes (for tests of malformed input).
    public func writeRaw(_ bytes: ByteBuffer) async throws {
        let handler = self.handler
        try await channel.eventLoop.submit { handler.value.writeRaw(bytes) }.get()
    }

    /// Sends `MSG_SYNC{key}` and collects BEGIN, the messages and END, and whether more were announced.
    public func sync(from key: Int64) async throws -> IMSyncResult {
        let handler = self.handler
        return try await channel.eventLoop.flatSubmit {
            let promise = handler.eventLoop.makePromise(of: IMSyncResult.self)
            handler.value.sync(key: key, promise: promise)
            return promise.futureResult
        }.get()
    }

    /// Syncs from `key` until nothing more is announced; returns every message and the final key.
    public func syncAll(from key: Int64) async throws -> (messages: [IMFrame], key: Int64) {
        try await pages(from: key) { try await self.sync(from: $0) }
    }

    /// Calls `page` from `key`, then from each page's end key, while more is announced.
    private func pages(
        from key: Int64,
        _ page: (Int64) async throws -> IMSyncResult
    ) async throws -> (messages: [IMFrame], key: Int64) {
        var key = key
        var messages: [IMFrame] = []
        while true {
            let result = try await page(key)
            messages += result.messages
            key = result.endKey
            if !result.hasMore { return (messages, key) }
        }
    }

    /// Sends `MSG_SYNC_GROUP{groupID, key}` for a super group and collects SYNC_GROUP_BEGIN, the messages
    /// and SYNC_GROUP_END, and whether more were announced (`MSG_SYNC_GROUP_NOTIFY`). The server ignores a
    /// sync of a group the user is not in: that ends in `IMClientError.unexpectedReply`.
    public func syncGroup(_ groupID: Int64, from key: Int64) async throws -> IMSyncResult {
        let handler = self.handler
        return try await channel.eventLoop.flatSubmit {
            let promise = handler.eventLoop.makePromise(of: IMSyncResult.self)
            handler.value.sync(key: key, groupID: groupID, promise: promise)
            return promise.futureResult
        }.get()
    }

    /// Syncs a super group from `key` until nothing more is announced.
    public func syncGroupAll(_ groupID: Int64, from key: Int64) async throws -> (messages: [IMFrame], key: Int64) {
        try await pages(from: key) { try await self.syncGroup(groupID, from: $0) }
    }

    /// Enters a chat room (`MSG_ENTER_ROOM`); a connection is in one room at a time. The server does
    /// not answer; a PING after it tells when it was handled.
    public func enterRoom(_ roomID: Int64) async throws {
        try await write(.enterRoom, body: IMScalarBody.int64(roomID))
        try await ping()
    }

    /// Leaves the chat room (`MSG_LEAVE_ROOM`), then pings so the server has handled it on return.
    public func leaveRoom(_ roomID: Int64) async throws {
        try await write(.leaveRoom, body: IMScalarBody.int64(roomID))
        try await ping()
    }

    /// Sends PING and waits for PONG.
    public func ping() async throws {
        let handler = self.handler
        try await channel.eventLoop.flatSubmit {
            let promise = handler.eventLoop.makePromise(of: Void.self)
            handler.value.ping(promise: promise)
            return promise.futureResult
        }.get()
    }

    /// The protocol version frames are encoded in (the login's, once logged in).
    public var version: UInt8 {
        get async throws {
            let handler = self.handler
            return try await channel.eventLoop.submit { handler.value.version }.get()
        }
    }

    /// Whether the connection is open.
    public var isActive: Bool { channel.isActive }

    /// Waits until the server closes the connection (or `close()` is called).
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Closes the connection.
    public func close() async throws {
        do {
            try await channel.close()
        } catch ChannelError.alreadyClosed {
        }
    }
}
