import IMAdminAPI

/// The message store.
enum StoreHandlers {
    /// `GET /store/stats`: the store's figures, as `/summary`'s `store`.
    static func stats(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMStoreStatistics {
        IMStoreStatistics(admin.core.storeStatistics)
    }

    /// `POST /store/snapshot`: writes the index snapshot now, so a restart replays nothing written before it.
    static func snapshot(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMAdmin.Snapshot {
        let report: SnapshotReport
        do {
            report = try await admin.core.store.requestSnapshot()
        } catch let error as StoreError where error.code == .closed {
            throw AdminError(.serviceUnavailable, "the store is closing: \(error.message)")
        } catch let error as StoreError where error.code == .unsupported {
            throw AdminError(.conflict, error.message)
        } catch {
            throw AdminError(.internalServerError, "writing the snapshot failed: \(error)")
        }
        admin.core.logger.info(
            "index snapshot written on request",
            metadata: ["bytes": "\(report.bytes)", "last_id": "\(report.lastID)"]
        )
        return IMAdmin.Snapshot(
            bytes: report.bytes,
            milliseconds: (report.milliseconds * 1000).rounded() / 1000,
            lastID: report.lastID,
            queues: report.queues,
            messages: report.messages
        )
    }

    /// `POST /store/compact`: applies retention now (whole segments past `retention` or `retention_bytes`).
    static func compact(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMAdmin.Compaction {
        let report: RetentionReport
        do {
            report = try await admin.core.store.requestRetention()
        } catch let error as StoreError where error.code == .closed {
            throw AdminError(.serviceUnavailable, "the store is closing: \(error.message)")
        } catch let error as StoreError where error.code == .unsupported {
            throw AdminError(.conflict, error.message)
        } catch {
            throw AdminError(.internalServerError, "applying retention failed: \(error)")
        }
        return IMAdmin.Compaction(
            segmentsDeleted: report.segmentsDeleted,
            bytesFreed: report.bytesFreed,
            messagesRemoved: report.messagesRemoved,
            entriesRemoved: report.entriesRemoved,
            oldestKey: report.oldestKey,
            bytes: report.bytes
        )
    }

    /// `POST /store/promote`: this replica becomes a primary.
    static func promote(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMAdmin.Promotion {
        guard let replication = admin.core.replication else {
            throw AdminError(.conflict, "this server does not replicate (no replica_of): it is a primary already")
        }
        do {
            let promotion = try await replication.promote()
            admin.core.logger.notice(
                "promoted to primary on request",
                metadata: ["first_id": "\(promotion.firstID)", "position": "\(promotion.position)"]
            )
            return promotion
        } catch let error as StoreError where error.code == .unsupported {
            throw AdminError(.conflict, error.message)
        } catch {
            throw AdminError(.internalServerError, "the promotion failed: \(error)")
        }
    }
}
