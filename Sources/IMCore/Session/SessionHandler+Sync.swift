import NIOCore

extension SessionHandler {
    /// `MSG_SYNC` (reference §4.1, PROTOCOL §4): BEGIN{key}, up to the batch limit of messages after the
    /// key oldest first (SELF on those sent from this device), END{newest key}, and a SYNC_NOTIFY with the
    /// queue's newest key when more remain.
    func sync(requestKey: Int64, _ identity: SessionIdentity) {
        let key = requestKey == 0 ? core.directory.syncKey(identity.user) : requestKey
        let queue = QueueID.personal(appID: identity.appID, uid: identity.uid)
        let page: SyncPage
        let queueLastID: UInt64
        do {
            page = try core.store.sync(
                queue,
                after: UInt64(max(0, key)),
                limit: core.configuration.session.syncBatchLimit
            )
            queueLastID = try core.store.lastID(queue)
        } catch {
            // The store is closing; the client will sync again after reconnecting.
            logger.warning("sync for \(identity.user) failed: \(error)")
            return
        }
        core.counters.syncs.add()
        core.counters.syncedMessages.add(page.messages.count)
        send(.syncKey(.syncBegin, UInt64(max(0, key))))
        for message in page.messages {
            if let frame = syncedFrame(message, identity) { send(frame) }
        }
        var endKey = page.lastID
        // The client is ahead of the server (its key is not in this queue, e.g. after data loss):
        // reset it to the newest message we have, as GoBelieve does.
        if page.messages.isEmpty && queueLastID > 0 && queueLastID < UInt64(max(0, key)) {
            endKey = queueLastID
        }
        send(.syncKey(.syncEnd, endKey))
        if page.hasMore {
            send(.syncKey(.syncNotify, queueLastID))
        }
    }

    /// A stored message as a sync frame for this connection, or nil for a kind clients do not get by sync.
    func syncedFrame(_ message: StoredMessage, _ identity: SessionIdentity) -> OutboundFrame? {
        let command = IMCommand(rawValue: message.command)
        var flags: IMMessageFlags = []
        switch command {
        case .im, .groupIM:
            guard let decoded = try? IMMessage(body: message.body, version: 2, command: command) else { return nil }
            if decoded.sender == identity.uid && message.senderDeviceID == identity.deviceID { flags.insert(.self) }
            return OutboundFrame(command: command, flags: flags, body: .message(decoded))
        case .customerV2:
            guard let decoded = try? IMCustomerMessage(body: message.body) else { return nil }
            if decoded.sender == identity.uid && decoded.senderAppID == identity.appID
                && message.senderDeviceID == identity.deviceID
            {
                flags.insert(.self)
            }
            return .raw(command, message.body, flags: flags)
        case .system, .groupNotification:
            return .raw(command, message.body)
        default:
            return nil
        }
    }
}
