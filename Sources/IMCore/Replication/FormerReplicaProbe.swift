import Logging
import NIOCore

/// Before the embedded store serves as a primary: every replica it had (`replicas`, the addresses their
/// hellos gave) is asked whether it was promoted while this server was away, all at once, 2 s to connect
/// and 5 s to answer. One promoted from this node (its promotion names this node id) makes this store
/// deposed, and the start fails as a deposed store's does; one that cannot be asked is logged, and the
/// start goes on (the promoted replica's fence tells this server once it can reach it). This closes the
/// window a restarted former primary would otherwise have, also without `replication_listen`.
///
/// The probe carries the replication token when this server has one; the answer (promoted or not, and the
/// first id of its own) is given to anyone: the addresses asked are those of replicas that authenticated.
enum FormerReplicaProbe {
    static func confirmStillPrimary(
        _ store: any MessageStore,
        configuration: IMServerConfiguration,
        tls: ReplicationTLS?,
        group: any EventLoopGroup
    ) async throws {
        guard let store = store as? LogStore, store.role == .primary else { return }
        let directory = store.configuration.directory
        let replicas = ReplicaAddresses.load(directory: directory)
        guard !replicas.isEmpty else { return }
        let (token, nodeID) = (configuration.replication.token ?? "", configuration.nodeID)
        let answers = await withTaskGroup(of: (String, String, Result<String, any Error>).self) { tasks in
            for (name, address) in replicas {
                tasks.addTask {
                    do {
                        guard let endpoint = IMServerConfiguration.Endpoint(parsing: address) else {
                            throw IMServerError("\(address) is not an address")
                        }
                        let probe = ReplicationMessage.probe(token: token, name: nodeID)
                        let answer = try await ReplicationMessageCoder.ask(probe, at: endpoint, group: group, tls: tls)
                        return (name, address, .success(answer))
                    } catch {
                        return (name, address, .failure(error))
                    }
                }
            }
            var answers: [(String, String, Result<String, any Error>)] = []
            for await answer in tasks { answers.append(answer) }
            return answers
        }
        for (name, address, result) in answers {
            switch result {
            case .failure(let error):
                store.logger.notice("could not ask replica \(name) at \(address) whether it was promoted (serving): \(error)")
            case .success(let answer) where answer.hasPrefix(ReplicationMessage.promotedAnswer):
                let parts = answer.dropFirst(ReplicationMessage.promotedAnswer.count).split(
                    separator: ":",
                    maxSplits: 2,
                    omittingEmptySubsequences: false
                )
                guard parts.count == 3, let firstID = UInt64(parts[0]) else { continue }
                // Promoted away from another primary (it followed this one once): not this server's concern.
                guard parts[1].isEmpty || parts[1] == nodeID else { continue }
                let record = DeposedRecord(by: "\(name) (at \(address))", firstID: firstID)
                try record.save(directory: directory)
                store.logger.critical("deposed: \(record). This server does not start as a primary; see README, Replication")
                throw Replication.refusal(record, directory: directory)
            case .success:
                continue
            }
        }
    }
}
