import Hummingbird

extension AdminAPI {
    /// The message store:
    /// - `GET /store/stats` → `{"data":{...}}`: `LogStoreStats` with snake_case keys (as `/summary`'s
    ///   `store`).
    /// - `POST /store/snapshot` writes the index snapshot now (so a restart replays nothing written before
    ///   it) → `{"data":{"bytes","milliseconds","last_id","queues","messages"}}`.
    static func addStoreRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        router.get("/store/stats") { _, _ in
            AdminJSON.data(Summary.storeStats(core))
        }
        router.post("/store/snapshot") { _, _ in
            let report: SnapshotReport
            do {
                report = try await core.store.requestSnapshot()
            } catch let error as StoreError where error.code == .closed {
                throw AdminError(.serviceUnavailable, "the store is closing: \(error.message)")
            } catch let error as StoreError where error.code == .unsupported {
                throw AdminError(.conflict, error.message)
            } catch {
                throw AdminError(.internalServerError, "writing the snapshot failed: \(error)")
            }
            core.logger.info(
                "index snapshot written on request",
                metadata: ["bytes": "\(report.bytes)", "last_id": "\(report.lastID)"]
            )
            return AdminJSON.data([
                "bytes": report.bytes,
                "milliseconds": (report.milliseconds * 1000).rounded() / 1000,
                "last_id": report.lastID,
                "queues": report.queues,
                "messages": report.messages,
            ])
        }
    }
}
