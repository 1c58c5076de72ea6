import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on 127.0.0.1 port 0 in front of a server that can hold every byte, both ways, for a set
/// window of time: an injected stall on the server's path. Used by `--inject-stall` and the test that
/// shows a stall in the open-loop p99. It only delays; it never drops or reorders.
final class StallProxy: Sendable {
    let port: Int
    private let listener: any Channel
    private let window: StallWindow

    private init(port: Int, listener: any Channel, window: StallWindow) {
        self.port = port
        self.listener = listener
        self.window = window
    }

    static func start(to host: String, port: Int, group: any EventLoopGroup) async throws -> StallProxy {
        let window = StallWindow()
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { outbound in
                        outbound.eventLoop.makeCompletedFuture {
                            try outbound.pipeline.syncOperations.addHandler(RelayHandler(peer: inbound, window: window))
                        }
                    }
                    .connect(host: host, port: port)
                    .flatMapThrowing { outbound in
                        // The inbound channel is registered (and read) only once this initializer completes.
                        try inbound.pipeline.syncOperations.addHandler(RelayHandler(peer: outbound, window: window))
                    }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return StallProxy(port: listener.localAddress!.port!, listener: listener, window: window)
    }

    /// Holds all traffic from `start` to `end` (ns, `BenchClock`).
    func stall(from start: UInt64, until end: UInt64) {
        window.start.store(start, ordering: .relaxed)
        window.end.store(end, ordering: .relaxed)
    }

    func close() async {
        try? await listener.close()
    }
}

final class StallWindow: Sendable {
    let start = Atomic<UInt64>(0)
    let end = Atomic<UInt64>(0)

    /// When traffic seen at `now` may pass: `now` itself, or the stall's end.
    func releaseTime(now: UInt64) -> UInt64? {
        let start = start.load(ordering: .relaxed)
        let end = end.load(ordering: .relaxed)
        return now >= start && now < end ? end : nil
    }
}

/// Forwards reads to `peer`, holding them while the stall window is open.
private final class RelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let peer: any Channel
    private let window: StallWindow
    private var held: [ByteBuffer] = []
    private var releaseScheduled = false

    init(peer: any Channel, window: StallWindow) {
        self.peer = peer
        self.window = window
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if !held.isEmpty || window.releaseTime(now: BenchClock.now()) != nil {
            held.append(buffer)
            scheduleRelease(context: context)
        } else {
            peer.write(buffer, promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if held.isEmpty { peer.flush() }
    }

    private func scheduleRelease(context: ChannelHandlerContext) {
        guard !releaseScheduled else { return }
        releaseScheduled = true
        let now = BenchClock.now()
        let end = window.releaseTime(now: now) ?? now
        let delay = TimeAmount.nanoseconds(Int64(end - min(end, now)))
        let loop = context.eventLoop
        loop.assumeIsolated().scheduleTask(in: delay) {
            self.releaseScheduled = false
            for buffer in self.held { self.peer.write(buffer, promise: nil) }
            self.held.removeAll()
            self.peer.flush()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RelayHandler: Sendable {}
