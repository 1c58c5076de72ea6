import Logging
import NIOCore

/// The primary's answers to what connects to its replication port: a replica's hello, a former primary's
/// probe (`FormerReplicaProbe`), a promoted replica's fence notice (`FormerPrimaryFence`).
extension ReplicationServer {
    /// Why a hello is refused, if it is.
    func refusal(version: UInt32, token presented: String) -> String? {
        guard secretsMatch(Array(presented.utf8), Array(token.utf8)) else { return "wrong replication_token" }
        guard version == ReplicationMessage.version else {
            return "replication protocol version \(version); this primary speaks \(ReplicationMessage.version)"
        }
        if store.role == .replica { return ReplicationMessage.isReplicaAnswer + " (replica_of): connect to its primary" }
        if store.role == .deposed { return "this server is deposed (a replica of it was promoted): connect to the new primary" }
        return nil
    }

    /// A former primary starting again asks whether this server, once its replica, was promoted
    /// (`FormerReplicaProbe`): answered to anyone.
    func probed() -> String {
        guard let record = try? PromotionRecord.load(directory: store.configuration.directory) else {
            return ReplicationMessage.notPromotedAnswer
        }
        return ReplicationMessage.promotedAnswer + "\(record.firstID):\(record.fromName ?? ""):promoted \(record)"
    }

    /// A promoted replica says it took over: this store takes no more writes and records it (`deposed`),
    /// so that a restart refuses to serve as a primary. Returns the answer.
    func fenced(by name: String, firstID: UInt64, token presented: String, from remote: String) -> String {
        guard secretsMatch(Array(presented.utf8), Array(token.utf8)) else { return "wrong replication_token" }
        if store.role == .replica { return ReplicationMessage.isReplicaAnswer }
        let record = DeposedRecord(by: "\(name) (from \(remote))", firstID: firstID)
        do {
            try record.save(directory: store.configuration.directory)
        } catch {
            logger.error("could not record the promotion of \(name): \(error)")
        }
        if store.role == .primary {
            store.depose(reason: "this server is no longer the primary: \(record); write there")
            logger.critical("deposed: \(record). This server takes no more writes; see README, Replication")
        }
        return ReplicationMessage.deposedAnswer + " this server takes no more writes"
    }

    /// A replica that said hello: its name, its address, where it serves replication itself.
    struct ConnectedReplica {
        var name: String
        var address: String
        var listen: String
        var channel: any Channel
    }

    /// Refuses a hello (and says why) or welcomes it and notes the replica's own address; whether welcomed.
    func welcome(
        _ replica: ConnectedReplica,
        version: UInt32,
        at position: LogPosition,
        tail: LogTail,
        token presented: String,
        _ outbound: NIOAsyncChannelOutboundWriter<ReplicationMessage>
    ) async throws -> Bool {
        let about: Logger.Metadata = ["replica": "\(replica.name)", "address": "\(replica.address)"]
        if let refusal = refusal(version: version, token: presented) {
            logger.warning("replica refused", metadata: about.merging(["reason": "\(refusal)"]) { $1 })
            try await outbound.write(.refused(refusal))
            return false
        }
        do {
            try store.verifyReplica(at: position, tail: tail)
            _ = try store.replicationChunk(after: position, maxBytes: 0)
        } catch {
            logger.error("replica refused", metadata: about.merging(["reason": "\(error)"]) { $1 })
            try await outbound.write(.refused("\(error)"))
            return false
        }
        try await outbound.write(.welcome(segmentSize: UInt32(store.configuration.segmentSize), name: nodeID))
        if !replica.listen.isEmpty {
            do {
                try ReplicaAddresses.remember(replica.name, at: replica.listen, directory: store.configuration.directory)
            } catch {
                logger.warning("could not note replica \(replica.name)'s address: \(error)")
            }
        }
        return true
    }
}
