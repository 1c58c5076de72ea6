import IMAdminAPI

/// GoBelieve's reads of a user's queue (PROTOCOL.md §10.1): unread count, newest messages, a sync page.
enum HistoryHandlers {
    /// `/get_offline_count`: messages after the key (0: the user's stored sync key).
    static func offlineCount(
        _ admin: AdminContext,
        _ request: IMAdmin.OfflineCountQuery
    ) async throws -> IMAdmin.OfflineCount {
        let user = UserKey(appID: request.appid, uid: request.uid)
        let key = request.syncKey ?? 0
        guard key >= 0 else { throw AdminError.badField("sync_key", "must not be negative") }
        let count = try await storeRead { try await admin.core.messages.offlineCount(user, after: key) }
        return IMAdmin.OfflineCount(count: count)
    }

    /// `/load_latest_message`: the newest `limit` messages, oldest first.
    static func latest(_ admin: AdminContext, _ request: IMAdmin.LatestQuery) async throws -> [IMHistoryMessage] {
        let user = UserKey(appID: request.appid, uid: request.uid)
        guard (1...10_000).contains(request.limit) else { throw AdminError.badField("limit", "must be in 1...10000") }
        let messages = try await storeRead { try await admin.core.messages.latest(user, limit: Int(request.limit)) }
        return messages.compactMap(historyMessage)
    }

    /// `/load_history_message`: one sync page after `last_id`.
    static func history(_ admin: AdminContext, _ request: IMAdmin.HistoryQuery) async throws -> [IMHistoryMessage] {
        let user = UserKey(appID: request.appid, uid: request.uid)
        let lastID = request.lastID ?? 0
        guard lastID >= 0 else { throw AdminError.badField("last_id", "must not be negative") }
        let messages = try await storeRead { try await admin.core.messages.history(user, after: UInt64(lastID)) }
        return messages.compactMap(historyMessage)
    }

    /// A stored message as GoBelieve's history object; nil for the kinds it omits.
    static func historyMessage(_ message: StoredMessage) -> IMHistoryMessage? {
        let command = IMCommand(rawValue: message.command)
        switch command {
        case .im, .groupIM:
            guard let decoded = try? IMMessage(body: message.body, version: 2, command: command) else { return nil }
            return IMHistoryMessage(
                id: message.id,
                command: Int(message.command),
                sender: decoded.sender,
                receiver: decoded.receiver,
                timestamp: Int(decoded.timestamp),
                content: String(buffer: decoded.content)
            )
        case .customerV2:
            guard let decoded = try? IMCustomerMessage(body: message.body) else { return nil }
            return IMHistoryMessage(
                id: message.id,
                command: Int(message.command),
                sender: decoded.sender,
                receiver: decoded.receiver,
                timestamp: Int(decoded.timestamp),
                content: String(buffer: decoded.content),
                senderAppID: decoded.senderAppID,
                receiverAppID: decoded.receiverAppID
            )
        default:
            return nil
        }
    }
}
