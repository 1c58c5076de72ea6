import NIOCore

extension SessionHandler {
    /// Reads and answers a sync; when it is answered, the copies held meanwhile go out and the frames
    /// that waited are read.
    ///
    /// - `MSG_SYNC{key}` (PROTOCOL.md §4.1): key 0 means the user's server-stored sync key.
    /// - `MSG_SYNC_GROUP{gid, key}` (PROTOCOL.md §4.4): key 0 means the stored group sync key, and when that
    ///   is 0 too, only messages from the member's join time on. A sync for a group that does not exist,
    ///   is not a super group, or of which the user is not a member is ignored, as GoBelieve does.
    func startSync(_ request: SessionStateMachine.Request, _ identity: SessionIdentity) {
        guard let loop else { return }
        let directory = server.directory
        let answer: @Sendable (Result<SyncRead?, any Error>) -> Void = { read in
            loop.run { $0.finishSync(read, identity) }
        }
        switch request {
        case .sync(let key):
            let queue = QueueID.personal(appID: identity.appID, uid: identity.uid)
            Self.resolve(key, stored: { directory.syncKey(identity.user, completion: $0) }) { resolved in
                answer(resolved.map { SyncRead(queue: queue, key: $0, notBefore: nil) })
            }
        case .syncGroup(let groupID, let key):
            directory.group(groupID) { found in
                guard case .success(let group?) = found, group.appID == identity.appID, group.isSuper,
                    let member = group.members[identity.uid]
                else {
                    let ignored: Result<SyncRead?, any Error> = found.map { _ in nil }.mapError { $0 }
                    return answer(ignored)
                }
                let queue = QueueID.group(appID: identity.appID, gid: groupID)
                Self.resolve(key, stored: { directory.groupSyncKey(identity.user, groupID: groupID, completion: $0) }) {
                    resolved in
                    answer(
                        resolved.map { key in SyncRead(queue: queue, key: key, notBefore: key == 0 ? member.joinedAt : nil) }
                    )
                }
            }
        default:
            preconditionFailure("startSync(_:) with \(request)")
        }
    }

    /// The key a sync reads after: the client's, or (for 0) the server-stored one.
    private static func resolve(
        _ key: Int64,
        stored: (@escaping @Sendable (Result<Int64, DirectoryError>) -> Void) -> Void,
        then: @escaping @Sendable (Result<UInt64, any Error>) -> Void
    ) {
        guard key == 0 else { return then(.success(UInt64(max(0, key)))) }
        stored { then($0.map { UInt64(max(0, $0)) }.mapError { $0 }) }
    }

    /// A sync resolved to a queue and a key (nil: ignored), read from the store and answered.
    private func finishSync(_ read: Result<SyncRead?, any Error>, _ identity: SessionIdentity) {
        guard let loop else { return }
        switch read {
        case .success(.some(let read)):
            server.messages.page(of: read.queue, after: read.key, notBefore: read.notBefore) { page in
                loop.run { $0.answer(read, page, identity) }
            }
        case .success(.none):
            logger.debug("\(peer): ignoring a sync of a group it is not a member of (or no such super group)")
            syncDone(nil, identity)
        case .failure(let error):
            // A store or directory that cannot answer: the client syncs again after its next notify.
            logger.warning("sync for \(identity.user) failed: \(error)")
            syncDone(nil, identity)
        }
    }

    /// BEGIN{key}, the page's messages oldest first (SELF on those sent from this device), END{newest key
    /// returned}, and NOTIFY{the queue's newest key} when more remain (PROTOCOL.md §4).
    private func answer(_ read: SyncRead, _ page: Result<SyncPage, StoreError>, _ identity: SessionIdentity) {
        guard !closed else { return }
        guard case .success(let page) = page else {
            logger.warning("sync of \(read.queue) for \(identity.user) failed: \(page)")
            return syncDone(nil, identity)
        }
        send(read.keyFrame(.begin, read.key))
        for message in page.messages {
            if let frame = syncedFrame(message, identity) { send(frame) }
        }
        var endKey = page.lastID
        // The client is ahead of the server (its key is not in this queue, e.g. after data loss): reset it
        // to the newest message we have, as GoBelieve does.
        if page.messages.isEmpty && page.newestID > 0 && page.newestID < read.key { endKey = page.newestID }
        send(read.keyFrame(.end, endKey))
        if page.hasMore { send(read.keyFrame(.notify, page.newestID)) }
        syncDone((read.queue, page.lastID), identity)
    }

    /// The sync is answered: the held copies go (those the page had are dropped) and the next frames
    /// are read.
    private func syncDone(_ synced: (queue: QueueID, through: UInt64)?, _ identity: SessionIdentity) {
        machine.finishSync()
        releaseHeldCopies(synced: synced)
        scheduleFlush()
        readFrames()
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

/// A sync resolved to what to read: a queue, the key to read after, and for a super group read from the
/// join time, that time.
struct SyncRead: Sendable {
    enum Frame { case begin, end, notify }

    var queue: QueueID
    var key: UInt64
    var notBefore: Int64?

    /// `begin{key}`/`end`/`notify` for a personal queue (`MSG_SYNC_BEGIN` ...), `{gid, key}` for a super
    /// group's (`MSG_SYNC_GROUP_BEGIN` ...).
    func keyFrame(_ frame: Frame, _ key: UInt64) -> OutboundFrame {
        switch (queue.kind, frame) {
        case (.personal, .begin): .syncKey(.syncBegin, key)
        case (.personal, .end): .syncKey(.syncEnd, key)
        case (.personal, .notify): .syncKey(.syncNotify, key)
        case (.group, .begin): .groupSyncKey(.syncGroupBegin, groupID: queue.ownerID, key: key)
        case (.group, .end): .groupSyncKey(.syncGroupEnd, groupID: queue.ownerID, key: key)
        case (.group, .notify): .groupSyncKey(.syncGroupNotify, groupID: queue.ownerID, key: key)
        }
    }
}
