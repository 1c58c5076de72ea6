import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The replica's side of replication (`replica_of`): connects to the primary, asks for its log from this
/// store's durable end, writes what comes at the same places (`LogStore.mirror`), fsyncs and acknowledges
/// it; reconnects by itself with backoff (0.1 s doubling to 5 s) until graceful shutdown or promotion.
final class ReplicaFollower: Service {
    /// What the replica knows of its primary, for `/summary`.
    struct Status: Sendable {
        var connected = false
        var primaryName: String?
        /// The primary's durable end at its last message.
        var primaryHead = LogPosition(packed: 0)
        var lastMessageAt: Date?
        var lastError: String?
        /// When the last copy of the primary's directory was swapped in.
        var directoryCopiedAt: Date?
    }

    let store: LogStore
    /// Follows the primary's directory too (nil when it is not SQLite's).
    let directory: SQLiteDirectory?
    let primary: IMServerConfiguration.Endpoint
    let token: String
    let nodeID: String
    let group: any EventLoopGroup
    let logger: Logger
    let tls: ReplicationTLS?
    /// This server's own replication listener, if it has one: its address travels in the hello.
    let ownServer: ReplicationServer?
    private let state = TracedMutex(Status())
    private let task = TracedMutex<Task<Void, Never>?>(nil)
    private let errors = LogThrottle<Int>()

    init(
        store: LogStore,
        directory: SQLiteDirectory?,
        configuration: IMServerConfiguration,
        tls: ReplicationTLS?,
        ownServer: ReplicationServer?,
        group: any EventLoopGroup
    ) {
        self.store = store
        self.tls = tls
        self.ownServer = ownServer
        self.directory = directory
        self.primary = configuration.replication.replicaOf!
        self.token = configuration.replication.token ?? ""
        self.nodeID = configuration.nodeID
        self.group = group
        self.logger = configuration.logger
    }

    var status: Status { state.withLock { $0 } }

    /// Where this replica serves replication itself (a wildcard host becomes the host name); "" if nowhere.
    private func advertisedListen() async -> String {
        guard let bound = try? await ownServer?.waitUntilBound() else { return "" }
        return (bound.isUnspecified ? IMServerConfiguration.Endpoint(host: System.hostName, port: bound.port) : bound).description
    }

    func run() async throws {
        let following = Task { await follow() }
        task.withLock { $0 = following }
        await withGracefulShutdownHandler {
            await following.value
        } onGracefulShutdown: {
            following.cancel()
        }
        // Promoted: nothing left to follow, but a service that returns early stops the whole server.
        try? await gracefulShutdown()
    }

    /// Stops following and waits until no copy is being written (before a promotion).
    func stop() async {
        guard let following = task.withLock({ $0 }) else { return }
        following.cancel()
        await following.value
    }

    private func follow() async {
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled && store.role == .replica {
            do {
                try await followOnce { backoff = .milliseconds(100) }
            } catch {
                let text = "\(error)"
                state.withLock { $0.lastError = text }
                if !Task.isCancelled {
                    errors.log(0) { heldBack in
                        logger.warning("replication from \(primary) stopped: \(text); retrying\(LogThrottle<Int>.more(heldBack))")
                    }
                }
            }
            state.withLock { $0.connected = false }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// One connection: hello, welcome, then copy and acknowledge until it ends. `connected` runs once the
    /// primary welcomed this replica.
    private func followOnce(connected: () -> Void) async throws {
        let channel = try await ReplicationMessageCoder.connect(
            to: primary,
            group: group,
            timeout: .seconds(5),
            maxFrameSize: ReplicationMessage.maxFrameSize,
            tls: tls
        )
        try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                let start = store.mirrorProgress
                try await outbound.write(
                    .hello(
                        version: ReplicationMessage.version,
                        position: start.position,
                        lastID: start.lastID,
                        tail: store.tail,
                        token: token,
                        name: nodeID,
                        listen: await advertisedListen()
                    )
                )
                var messages = inbound.makeAsyncIterator()
                let segmentSize = try await welcomed(by: &messages, from: start.position)
                connected()
                try await copy(&messages, segmentSize: segmentSize, acknowledging: outbound)
                throw ReplicationProtocolError("the primary closed the connection")
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }

    /// The primary's answer to the hello: its segment size when it welcomed this replica.
    private func welcomed(
        by messages: inout NIOAsyncChannelInboundStream<ReplicationMessage>.AsyncIterator,
        from position: LogPosition
    ) async throws -> Int {
        switch try await messages.next() {
        case .welcome(let size, let name)?:
            state.withLock { s in
                s.connected = true
                s.primaryName = name
                s.lastError = nil
            }
            logger.notice("following the primary", metadata: ["primary": "\(primary)", "name": "\(name)", "from": "\(position)"])
            return Int(size)
        case .refused(let reason)?:
            throw ReplicationRefusal("the primary refused this replica: \(reason)")
        case let other?:
            throw ReplicationProtocolError("the primary answered the hello with \(other)")
        case nil:
            throw ReplicationProtocolError("the primary closed the connection before its welcome")
        }
    }

    /// Copies what the primary sends (records, heads, the directory) and acknowledges each record chunk
    /// once mirrored, until the primary stops or closes.
    private func copy(
        _ messages: inout NIOAsyncChannelInboundStream<ReplicationMessage>.AsyncIterator,
        segmentSize: Int,
        acknowledging outbound: NIOAsyncChannelOutboundWriter<ReplicationMessage>
    ) async throws {
        var directoryCopy = directory.map(DirectoryCopyReceiver.init)
        while let message = try await messages.next() {
            switch message {
            case .data(let chunk, let assignedID, let head):
                let store = self.store
                let progress = try await NIOThreadPool.singleton.runIfActive {
                    try store.mirror([chunk], primarySegmentSize: segmentSize, assignedID: assignedID)
                }
                try await outbound.write(.ack(progress))
                state.withLock { s in
                    s.primaryHead = max(s.primaryHead, head)
                    s.lastMessageAt = Date()
                }
            case .head(let durable, _, _):
                state.withLock { s in
                    s.primaryHead = durable
                    s.lastMessageAt = Date()
                }
            case .directory(let changes, let total, let offset, let bytes):
                guard try await directoryCopy?.receive(changes: changes, total: total, offset: offset, bytes: bytes) != nil
                else { break }
                state.withLock { $0.directoryCopiedAt = Date() }
                logger.debug("the primary's directory copied", metadata: ["bytes": "\(total)", "changes": "\(changes)"])
            case .refused(let reason):
                throw ReplicationRefusal("the primary stopped this replica: \(reason)")
            default:
                throw ReplicationProtocolError("unexpected \(message) from the primary")
            }
        }
    }
}
