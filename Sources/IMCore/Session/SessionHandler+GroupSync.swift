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
        sendPage(
            of: .group(appID: identity.appID, gid: groupID),
            after: key,
            notBefore: key == 0 ? member.joinedAt : nil,
            identity,
            keyFrame: { .groupSyncKey($0, groupID: groupID, key: $1) },
            commands: (.syncGroupBegin, .syncGroupEnd, .syncGroupNotify)
        )
    }
}
