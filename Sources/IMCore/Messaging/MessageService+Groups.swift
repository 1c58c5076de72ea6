extension MessageService {
    /// A group message (PROTOCOL.md §5.7), once the group is looked up and the sender
    /// checked: 65 no such group (or another app's), 64 the sender is not a member, 66 it is muted there
    /// (admin posts skip the member checks, as GoBelieve's HTTP path does). Then:
    /// - **normal group** (write diffusion): stored once with an entry in every member's personal queue;
    ///   every member session except the sending device gets METADATA + GROUP_IM (PUSH, the client's
    ///   msgid kept) + SYNC_NOTIFY with its own queue's key. Admin posts push too.
    /// - **super group** (read diffusion): one entry in the group queue; member sessions get METADATA +
    ///   GROUP_IM (PUSH|SUPER_GROUP) + SYNC_GROUP_NOTIFY; the sender's ACK carries SUPER_GROUP. Admin posts
    ///   send only the notify.
    func groupPlan(
        _ message: IMMessage,
        flags: IMMessageFlags,
        from origin: MessageOrigin,
        reply: Reply
    ) {
        directory.group(message.receiver) { found in
            self.carryOut(
                found.mapError { $0 as any Error }.flatMap { group in
                    Result { try self.groupPlan(message, flags: flags, group: group, from: origin) }
                },
                reply
            )
        }
    }

    private func groupPlan(
        _ message: IMMessage,
        flags: IMMessageFlags,
        group: GroupInfo?,
        from origin: MessageOrigin
    ) throws -> DeliveryPlan? {
        let appID = origin.user.appID
        guard let group, group.appID == appID else {
            throw MessageRefusal(.groupNonexistent, "no group \(message.receiver)")
        }
        var message = message
        if !origin.isAdmin {
            guard let member = group.members[origin.user.uid] else {
                throw MessageRefusal(.notGroupMember, "\(origin.user) is not a member of group \(group.id)")
            }
            guard !member.muted else { throw MessageRefusal(.muted, "\(origin.user) is muted in group \(group.id)") }
            if flags.contains(.text), let filtered = words.filter(message.content) { message.content = filtered }
        }
        let members = group.memberIDs
        guard !members.isEmpty else { return nil }
        let timestamp = now()
        message.timestamp = Int32(truncatingIfNeeded: timestamp)
        let users = members.map { UserKey(appID: appID, uid: $0) }
        let body = message.storedBody()
        return DeliveryPlan(
            message: NewMessage(
                command: IMCommand.groupIM.rawValue,
                body: body,
                senderDeviceID: origin.deviceID,
                timestamp: timestamp
            ),
            queues: group.isSuper
                ? [.group(appID: appID, gid: group.id)] : users.map { .personal(appID: appID, uid: $0.uid) },
            frame: OutboundFrame(
                command: .groupIM,
                flags: group.isSuper ? [.push, .superGroup] : .push,
                body: .message(message)
            ),
            realtime: !(origin.isAdmin && group.isSuper),
            recipients: users.indices.map { Delivery.Recipient(users[$0], entry: group.isSuper ? 0 : $0) },
            exclusion: origin.session,
            // Once stored, the members with no session online get a push job (the sender is skipped).
            offline: offlinePush(
                .group(id: group.id),
                appID: appID,
                sender: origin.user.uid,
                receivers: members,
                content: message.content
            ),
            senderEntry: group.isSuper ? 0 : members.firstIndex(of: origin.user.uid),
            ackFlags: group.isSuper ? .superGroup : [],
            summary: .group(from: origin.user, group: group.id)
        )
    }

    /// Whether `checkRelationship` applies to a message from `origin`: the checks are configured, and a
    /// client sent it (admin posts skip them).
    func checksRelationship(of origin: MessageOrigin) -> Bool {
        !origin.isAdmin && (configuration.friendshipCheck || configuration.blacklistCheck)
    }

    /// The friendship and blacklist checks (PROTOCOL.md §3 step 2), where `checksRelationship` says they
    /// apply: a `MessageRefusal` with 1 (not my friend), 2 (not your friend) or 3 (in your blacklist), or
    /// success.
    func checkRelationship(
        from origin: MessageOrigin,
        to receiver: Int64,
        completion: @escaping @Sendable (Result<Void, any Error>) -> Void
    ) {
        let sender = origin.user
        let configuration = self.configuration
        directory.relationship(appID: sender.appID, uid: sender.uid, other: receiver) { found in
            completion(
                found.mapError { $0 as any Error }.flatMap { relationship in
                    if configuration.friendshipCheck && !relationship.contains(.isMyFriend) {
                        return .failure(MessageRefusal(.notMyFriend, "\(receiver) is not a friend of \(sender)"))
                    }
                    if configuration.friendshipCheck && !relationship.contains(.isYourFriend) {
                        return .failure(MessageRefusal(.notYourFriend, "\(sender.uid) is not a friend of \(receiver)"))
                    }
                    if configuration.blacklistCheck && relationship.contains(.inYourBlacklist) {
                        return .failure(MessageRefusal(.inYourBlacklist, "\(receiver) blacklisted \(sender.uid)"))
                    }
                    return .success(())
                }
            )
        }
    }
}
