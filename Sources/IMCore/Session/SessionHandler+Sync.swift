import NIOCore

extension SessionHandler {
    /// `MSG_SYNC` (reference §4.1, PROTOCOL §4): BEGIN{key}, up to the batch limit of messages after the
    /// key oldest first (SELF on those sent from this device), END{newest key}, and a SYNC_NOTIFY with the
    /// queue's newest key when more remain.
    func sync(requestKey: Int64, _ identity: SessionIdentity) {
        let key = UInt64(max(0, requestKey == 0 ? core.directory.syncKey(identity.user) : requestKey))
        sendPage(
            of: .personal(appID: identity.appID, uid: identity.uid),
            after: key,
            identity,
            keyFrame: { .syncKey($0, $1) },
            commands: (.syncBegin, .syncEnd, .syncNotify)
        )
    }

    /// One sync reply, for a personal or a super group's queue: `begin{key}`, up to the batch limit of
    /// messages after `key` oldest first (SELF on those sent from this device), `end{newest key}`, and
    /// `notify{the queue's newest key}` when more remain. `keyFrame` lays out a key frame for the queue
    /// (`{key}`, or `{gid, key}`); `notBefore` skips messages stamped before it (a member's join time).
    func sendPage(
        of queue: QueueID,
        after key: UInt64,
        notBefore: Int64? = nil,
        _ identity: SessionIdentity,
        keyFrame: (IMCommand, UInt64) -> OutboundFrame,
        commands: (begin: IMCommand, end: IMCommand, notify: IMCommand)
    ) {
        let page: SyncPage
        let queueLastID: UInt64
        do {
            page = try core.store.sync(
                queue,
                after: key,
                limit: core.configuration.session.syncBatchLimit,
                notBefore: notBefore
            )
            queueLastID = try core.store.lastID(queue)
        } catch {
            // The store is closing; the client will sync again after reconnecting.
            logger.warning("sync of \(queue) for \(identity.user) failed: \(error)")
            return
        }
        core.counters.syncs.add()
        core.counters.syncedMessages.add(page.messages.count)
        send(keyFrame(commands.begin, key))
        for message in page.messages {
            if let frame = syncedFrame(message, identity) { send(frame) }
        }
        var endKey = page.lastID
        // The client is ahead of the server (its key is not in this queue, e.g. after data loss):
        // reset it to the newest message we have, as GoBelieve does.
        if page.messages.isEmpty && queueLastID > 0 && queueLastID < key {
            endKey = queueLastID
        }
        send(keyFrame(commands.end, endKey))
        if page.hasMore {
            send(keyFrame(commands.notify, queueLastID))
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
