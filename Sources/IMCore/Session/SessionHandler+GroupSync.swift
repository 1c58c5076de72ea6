import NIOCore

extension SessionHandler {
    /// `MSG_SYNC_GROUP{gid, key}` (reference §4.4, PROTOCOL §4): SYNC_GROUP_BEGIN{gid, key}, up to the
    /// batch limit of the super group's messages after the key oldest first (SELF on those sent from this
    /// device), SYNC_GROUP_END{gid, newest key}, and SYNC_GROUP_NOTIFY{gid, newest in the queue} when more
    /// remain, so a client pages through everything (GoBelieve returns only the newest 100).
    ///
    /// Key 0 means the server-stored group sync key; when that is 0 too, only messages from the member's
    /// join time on are returned. A sync for a group that does not exist, is not a super group, or of
    /// which the user is not a member is ignored, as GoBelieve does.
    func syncGroup(_ groupID: Int64, requestKey: Int64, _ identity: SessionIdentity) {
        guard let group = core.directory.group(groupID), group.appID == identity.appID, group.isSuper,
            let member = group.members[identity.uid]
        else {
            logger.debug("\(peer): ignoring a sync of group \(groupID) (no such super group, or not a member)")
            return
        }
        let key = UInt64(
            max(0, requestKey == 0 ? core.directory.groupSyncKey(identity.user, groupID: groupID) : requestKey)
        )
        let queue = QueueID.group(appID: identity.appID, gid: groupID)
        let page: SyncPage
        let queueLastID: UInt64
        do {
            page = try core.store.sync(
                queue,
                after: key,
                limit: core.configuration.session.syncBatchLimit,
                notBefore: key == 0 ? member.joinedAt : nil
            )
            queueLastID = try core.store.lastID(queue)
        } catch {
            logger.warning("group sync of \(groupID) for \(identity.user) failed: \(error)")
            return
        }
        core.counters.syncs.add()
        core.counters.syncedMessages.add(page.messages.count)
        send(.groupSyncKey(.syncGroupBegin, groupID: groupID, key: key))
        for message in page.messages {
            if let frame = syncedFrame(message, identity) { send(frame) }
        }
        var endKey = page.lastID
        if page.messages.isEmpty && queueLastID > 0 && queueLastID < key {
            endKey = queueLastID
        }
        send(.groupSyncKey(.syncGroupEnd, groupID: groupID, key: endKey))
        if page.hasMore {
            send(.groupSyncKey(.syncGroupNotify, groupID: groupID, key: queueLastID))
        }
    }
}
