import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The primary's side of replication (`replication_listen`): each replica that presents the token is sent
/// the log from its own durable position (from the segment files, never through the writer), then each
/// batch as it becomes durable; its acknowledgements give its lag, the oldest segment retention must keep,
/// and (`replication = "sync"`) release the appends waiting for it.
final class ReplicationServer: Service {
    /// About how many bytes of records one data message carries.
    static let chunkBytes = 1 << 20
    /// A connection that has not said hello by then is closed.
    static let helloTimeout: TimeAmount = .seconds(10)

    let store: LogStore
    let address: IMServerConfiguration.Endpoint
    let token: String
    let nodeID: String
    let group: any EventLoopGroup
    let replicas = ReplicaRegistry()
    let gate: ReplicationGate?
    /// Copies of the directory for the replicas (nil when the directory is not SQLite's).
    let directoryCopies: DirectoryCopies?
    let logger: Logger
    /// With `replication_tls`: every accepted connection starts with TLS.
    let tls: ReplicationTLS?
    private let directoryErrors = LogThrottle<Int>()
    private let bound = ReadinessSignal<IMServerConfiguration.Endpoint>()

    init(
        store: LogStore,
        directory: SQLiteDirectory?,
        configuration: IMServerConfiguration,
        tls: ReplicationTLS?,
        group: any EventLoopGroup
    ) {
        self.store = store
        self.tls = tls
        self.directoryCopies = directory.map(DirectoryCopies.init)
        self.address = configuration.replication.listen!
        self.token = configuration.replication.token ?? ""
        self.nodeID = configuration.nodeID
        self.group = group
        self.logger = configuration.logger
        let replication = configuration.replication
        gate = replication.mode == .sync ? ReplicationGate(minReplicas: replication.minReplicas, timeout: replication.timeout) : nil
    }

    /// The address replicas connect to, once bound (its port when `replication_listen` asked for port 0).
    func waitUntilBound() async throws -> IMServerConfiguration.Endpoint {
        try await bound.wait()
    }

    func run() async throws {
        let server: NIOAsyncChannel<NIOAsyncChannel<ReplicationMessage, ReplicationMessage>, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .bind(host: address.host, port: address.port) { [tls] channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let handler = tls?.serverHandler() { try channel.pipeline.syncOperations.addHandler(handler) }
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(ReplicationMessageCoder(maxFrameSize: 64 << 10))
                        )
                        try channel.pipeline.syncOperations.addHandler(
                            MessageToByteHandler(ReplicationMessageCoder(maxFrameSize: 0))
                        )
                        return try NIOAsyncChannel<ReplicationMessage, ReplicationMessage>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            let failure = IMServerError("cannot listen on \(address) (replication_listen): \(error)")
            bound.set(.failure(failure))
            throw failure
        }
        let port = server.channel.localAddress?.port ?? address.port
        bound.set(.success(.init(host: address.host, port: port)))
        logger.info(
            "serving replicas",
            metadata: [
                "address": "\(address.host):\(port)", "mode": "\(gate == nil ? "async" : "sync")",
                "tls": "\(tls == nil ? "off" : "on")",
            ]
        )
        store.setGate(gate)
        store.durableWatch.startRecording()
        defer {
            store.setGate(nil)
            gate?.expire(now: .now + .seconds(1 << 40))
        }
        try await withThrowingDiscardingTaskGroup { tasks in
            if let gate {
                tasks.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(50))
                        gate.expire()
                    }
                }
            }
            tasks.addTask {
                // Graceful shutdown (or cancellation) closes the listener, which ends the accept loop below.
                try? await gracefulShutdown()
                try? await server.channel.close()
            }
            try? await server.executeThenClose { connections in
                for try await connection in connections {
                    tasks.addTask { await self.serve(connection) }
                }
            }
            tasks.cancelAll()
        }
    }

    /// One connection: a fence notice or a probe is answered; a replica's hello is refused or welcomed,
    /// and then gets the log from its position while its acknowledgements come back.
    private func serve(_ connection: NIOAsyncChannel<ReplicationMessage, ReplicationMessage>) async {
        let remote = connection.channel.remoteAddress?.description ?? "?"
        let deadline = connection.channel.eventLoop.scheduleTask(in: Self.helloTimeout) {
            connection.channel.close(promise: nil)
        }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var messages = inbound.makeAsyncIterator()
                let first = try await messages.next()
                deadline.cancel()
                switch first {
                case .fence(let presented, let name, let firstID)?:
                    let host = connection.channel.remoteAddress?.ipAddress ?? "?"
                    try await outbound.write(.refused(fenced(by: name, firstID: firstID, token: presented, from: host)))
                case .probe?:
                    try await outbound.write(.refused(probed()))
                case .hello(let version, let position, let lastID, let tail, let presented, let name, let listen)?:
                    let replica = ConnectedReplica(name: name, address: remote, listen: listen, channel: connection.channel)
                    guard try await welcome(replica, version: version, at: position, tail: tail, token: presented, outbound)
                    else { return }
                    try await stream(to: replica, from: position, lastID: lastID, &messages, outbound)
                default:
                    throw ReplicationProtocolError("the first message was not a hello")
                }
            }
        } catch {
            deadline.cancel()
            logger.info("replication connection ended", metadata: ["address": "\(remote)", "error": "\(error)"])
        }
    }

    /// Sends a welcomed replica the log from `position` while its acknowledgements come back, until it goes.
    private func stream(
        to replica: ConnectedReplica,
        from position: LogPosition,
        lastID: UInt64,
        _ messages: inout NIOAsyncChannelInboundStream<ReplicationMessage>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<ReplicationMessage>
    ) async throws {
        let (name, channel) = (replica.name, replica.channel)
        let id = replicas.add(name: name, address: replica.address, progress: MirrorProgress(position: position, lastID: lastID))
        updateFloor()
        logger.notice("replica connected", metadata: ["replica": "\(name)", "address": "\(replica.address)", "position": "\(position)"])
        defer {
            replicas.remove(id)
            updateFloor()
            logger.notice("replica disconnected", metadata: ["replica": "\(name)", "address": "\(replica.address)"])
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await self.send(from: position, to: outbound)
                } catch let refusal as ReplicationRefusal {
                    self.logger.error("replica stopped", metadata: ["replica": "\(name)", "reason": "\(refusal)"])
                    try? await outbound.write(.refused(refusal.description))
                    channel.close(promise: nil)
                } catch {
                    channel.close(promise: nil)
                }
            }
            // This replica's acknowledgements, until it goes (or the sender above closed it).
            while let message = try await messages.next() {
                guard case .ack(let progress) = message else {
                    throw ReplicationProtocolError("a replica may only acknowledge, not send \(message)")
                }
                replicas.acknowledged(id, progress)
                updateFloor()
                if let gate, let confirmed = replicas.position(heldBy: gate.minReplicas) {
                    gate.confirm(confirmed)
                }
            }
            tasks.cancelAll()
        }
    }

    /// Sends the log after `position` as it becomes durable, a head every second while idle, and a copy of
    /// the directory when its rows changed (checked at most twice a second).
    private func send(from start: LogPosition, to outbound: NIOAsyncChannelOutboundWriter<ReplicationMessage>) async throws {
        let (watcher, wakes) = store.durableWatch.watch()
        defer { store.durableWatch.stopWatching(watcher) }
        // A replica behind is sent what it lacks at once, not at the first batch or heartbeat.
        store.durableWatch.wake(watcher)
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                store.durableWatch.wake(watcher)
            }
        }
        defer { heartbeat.cancel() }
        var position = start
        var lastSent = ContinuousClock.now
        var sentDirectory: Int64?
        var directoryCheckedAt = ContinuousClock.now - .seconds(1)
        for await _ in wakes {
            let store = self.store
            while true {
                let from = position
                guard let chunk = try await NIOThreadPool.singleton.runIfActive({
                    try store.replicationChunk(after: from, maxBytes: Self.chunkBytes)
                }) else { break }
                let head = store.replicationHead
                try await outbound.write(.data(chunk, assignedID: head.assignedID, head: head.durable))
                position = chunk.end
                lastSent = .now
            }
            if let copies = directoryCopies, ContinuousClock.now - directoryCheckedAt >= .milliseconds(500) {
                directoryCheckedAt = .now
                if let copy = await newDirectoryCopy(from: copies, after: sentDirectory) {
                    try await send(copy, to: outbound)
                    sentDirectory = copy.changes
                    lastSent = .now
                }
            }
            if ContinuousClock.now - lastSent >= .seconds(1) {
                let head = store.replicationHead
                try await outbound.write(.head(durable: head.durable, durableID: head.durableID, assignedID: head.assignedID))
                lastSent = .now
            }
        }
    }

    /// The directory's newest copy if the replica lacks it. A copy that fails is logged (at most once a
    /// second) and tried again at the next check: the log goes on meanwhile.
    private func newDirectoryCopy(from copies: DirectoryCopies, after sent: Int64?) async -> DirectoryCopies.Copy? {
        do {
            return try await copies.copy(newerThan: sent)
        } catch {
            directoryErrors.log(0) { heldBack in
                logger.warning("no copy of the directory for replicas: \(error)\(LogThrottle<Int>.more(heldBack))")
            }
            return nil
        }
    }

    /// A directory copy in parts of about `chunkBytes`.
    private func send(_ copy: DirectoryCopies.Copy, to outbound: NIOAsyncChannelOutboundWriter<ReplicationMessage>) async throws {
        let total = copy.bytes.readableBytes
        var offset = 0
        repeat {
            let length = min(Self.chunkBytes, total - offset)
            let part = copy.bytes.getSlice(at: copy.bytes.readerIndex + offset, length: length)!
            try await outbound.write(.directory(changes: copy.changes, total: UInt64(total), offset: UInt64(offset), bytes: part))
            offset += length
        } while offset < total
    }

    private func updateFloor() {
        store.setReplicationFloor(replicas.floor)
    }
}
