import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A promoted replica's notice to its former primary (`replica_of`): from the promotion until that primary
/// has heard it, this server connects to its replication address every 2 s and says it was promoted. The
/// former primary then takes no more writes and records it (`DeposedRecord`), so that it never serves as a
/// primary again, diverging, without an operator's decision; a restart finds the record and refuses.
///
/// It stops once the former primary answered (deposed, or it is a replica by now). A former primary that
/// is down is fenced within 2 s of coming back with its replication listener.
final class FormerPrimaryFence: Service {
    static let interval: Duration = .seconds(2)

    let address: IMServerConfiguration.Endpoint
    let token: String
    let nodeID: String
    let group: any EventLoopGroup
    let logger: Logger
    let tls: ReplicationTLS?
    /// Set with this server's first id once it is promoted.
    let promoted = ReadinessSignal<UInt64>()
    /// Called once the former primary answered.
    let fenced: @Sendable () -> Void
    private let errors = LogThrottle<Int>()

    init(
        formerPrimary address: IMServerConfiguration.Endpoint,
        configuration: IMServerConfiguration,
        tls: ReplicationTLS?,
        group: any EventLoopGroup,
        fenced: @escaping @Sendable () -> Void
    ) {
        self.address = address
        self.tls = tls
        self.token = configuration.replication.token ?? ""
        self.nodeID = configuration.nodeID
        self.group = group
        self.logger = configuration.logger
        self.fenced = fenced
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown { await self.tellUntilHeard() }
        } onGracefulShutdown: {
            self.stop()
        }
        // Done (or shutting down): a service that returns early would stop the whole server.
        try? await gracefulShutdown()
    }

    /// Waits for the promotion, then tells the former primary every `interval` until it has heard.
    private func tellUntilHeard() async {
        guard let firstID = try? await promoted.wait() else { return }
        while !Task.isCancelled {
            do {
                let answer = try await notify(firstID: firstID)
                logger.notice("the former primary \(address) was told of the promotion: \(answer)")
                fenced()
                return
            } catch {
                errors.log(0) { heldBack in
                    logger.info("the former primary \(address) has not heard of the promotion yet: \(error)\(LogThrottle<Int>.more(heldBack))")
                }
            }
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// Ends the wait for a promotion at shutdown.
    func stop() {
        promoted.set(.failure(CancellationError()))
    }

    /// One attempt: the former primary's answer when it has taken note (it is deposed, or a replica).
    private func notify(firstID: UInt64) async throws -> String {
        let notice = ReplicationMessage.fence(token: token, name: nodeID, firstID: firstID)
        let answer = try await ReplicationMessageCoder.ask(notice, at: address, group: group, tls: tls)
        guard answer.hasPrefix(ReplicationMessage.deposedAnswer) || answer.hasPrefix(ReplicationMessage.isReplicaAnswer) else {
            throw ReplicationRefusal(answer)
        }
        return answer
    }
}
