extension MessageService {
    /// One page of `queue` after `key` (at most `sync_limit` entries, oldest first) with the queue's
    /// newest key, for a session's sync.
    package func page(
        of queue: QueueID,
        after key: UInt64,
        notBefore: Int64?,
        completion: @escaping @Sendable (Result<SyncPage, StoreError>) -> Void
    ) {
        store.sync(queue, after: key, limit: configuration.session.syncBatchLimit, notBefore: notBefore) { result in
            if case .success(let page) = result {
                self.counters.syncs.add()
                self.counters.syncedMessages.add(page.messages.count)
            }
            completion(result)
        }
    }

    /// How many messages the user has after `key` in its personal queue (after its server-stored sync key
    /// when `key` is 0), as GoBelieve's `/get_offline_count`.
    package func offlineCount(_ user: UserKey, after key: Int64) async throws -> Int {
        let key = key == 0 ? try await directory.syncKey(user) : key
        return try await store.newCount(.personal(appID: user.appID, uid: user.uid), after: UInt64(max(0, key)))
    }

    /// The user's newest `limit` messages, oldest first (`/load_latest_message`).
    package func latest(_ user: UserKey, limit: Int) async throws -> [StoredMessage] {
        try await store.latest(.personal(appID: user.appID, uid: user.uid), limit: limit)
    }

    /// The user's messages after `key`, oldest first, at most `sync_limit` (`/load_history_message`).
    package func history(_ user: UserKey, after key: UInt64) async throws -> [StoredMessage] {
        try await store.sync(
            .personal(appID: user.appID, uid: user.uid),
            after: key,
            limit: configuration.session.syncBatchLimit
        ).messages
    }
}
