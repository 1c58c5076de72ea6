import NIOCore

/// Where a stored group message went, for the sender's METADATA and ACK.
package struct GroupReceipt: Sendable {
    /// The message's id in the sender's own queue (normal group) or the group queue (super group); 0 when
    /// the sender is not a member of a normal group (an admin post), so there is no METADATA to send.
    package var id: UInt64
    package var previousID: UInt64
    package var isSuper: Bool
}

extension ServerCore {
    /// Checks, stores and fans out a group message (`MSG_GROUP_IM`, reference §5.7 with PROTOCOL §3).
    ///
    /// Refusals fail the future with `MessageRefusal`: 65 no such group (or another app's), 64 the sender
    /// is not a member, 66 the sender is muted in it (admin posts skip the member checks, as
    /// GoBelieve's HTTP path does). Then:
    /// - **normal group** (write diffusion): the body is stored once with an entry in every member's
    ///   personal queue, in one durable append; every member session except the sending device gets
    ///   METADATA + GROUP_IM (PUSH, the client's msgid kept) + SYNC_NOTIFY with its own queue's key.
    /// - **super group** (read diffusion): one entry in the group queue; member sessions get METADATA +
    ///   GROUP_IM (PUSH|SUPER_GROUP) + SYNC_GROUP_NOTIFY.
    /// With `realtime: false` (admin posts to a super group) only the notify is sent.
    ///
    /// The future succeeds once the message is durable and the copies are on their way; the caller then
    /// ACKs with the receipt (METADATA + ACK, with flag SUPER_GROUP for a super group).
    package func sendGroupMessage(
        _ message: IMMessage,
        flags: IMMessageFlags,
        from origin: MessageOrigin,
        realtime: Bool = true,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GroupReceipt> {
        counters.inMessages.add()
        var message = message
        let appID = origin.user.appID
        guard let group = directory.group(message.receiver), group.appID == appID else {
            return eventLoop.makeFailedFuture(MessageRefusal(.groupNonexistent, "no group \(message.receiver)"))
        }
        if !origin.isAdmin {
            guard let member = group.members[origin.user.uid] else {
                return eventLoop.makeFailedFuture(
                    MessageRefusal(.notGroupMember, "\(origin.user) is not a member of group \(group.id)")
                )
            }
            guard !member.muted else {
                return eventLoop.makeFailedFuture(
                    MessageRefusal(.muted, "\(origin.user) is muted in group \(group.id)")
                )
            }
            if flags.contains(.text), let filtered = words.filter(message.content) { message.content = filtered }
        }
        let timestamp = now()
        message.timestamp = Int32(truncatingIfNeeded: timestamp)
        let stored = NewMessage(
            command: IMCommand.groupIM.rawValue,
            body: message.body(version: 2),
            senderDeviceID: origin.deviceID,
            timestamp: timestamp
        )
        let frame = OutboundFrame(
            command: .groupIM,
            flags: group.isSuper ? [.push, .superGroup] : .push,
            body: .message(message)
        )
        // Once stored, the members with no session online get a push job (the sender is skipped).
        let offline = OfflinePushMessage(
            kind: .group(id: group.id),
            appID: appID,
            sender: origin.user.uid,
            receivers: group.memberIDs,
            content: message.content
        )
        let future =
            group.isSuper
            ? storeSuperGroupMessage(
                stored,
                frame: frame,
                offline: offline,
                group: group,
                from: origin,
                realtime: realtime,
                on: eventLoop
            )
            : storeNormalGroupMessage(
                stored,
                frame: frame,
                offline: offline,
                group: group,
                from: origin,
                realtime: realtime,
                on: eventLoop
            )
        return future.flatMapErrorThrowing { error in
            self.counters.storeFailures.add()
            self.logger.error("could not store a message from \(origin.user) to group \(group.id): \(error)")
            throw error
        }
    }

    private func storeNormalGroupMessage(
        _ stored: NewMessage,
        frame: OutboundFrame,
        offline: OfflinePushMessage,
        group: GroupInfo,
        from origin: MessageOrigin,
        realtime: Bool,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GroupReceipt> {
        let members = offline.receivers
        guard !members.isEmpty else {
            return eventLoop.makeSucceededFuture(GroupReceipt(id: 0, previousID: 0, isSuper: false))
        }
        let queues = members.map { QueueID.personal(appID: group.appID, uid: $0) }
        return store.append(stored, to: queues, on: eventLoop).map { receipt in
            self.pushOffline(offline)
            // The fan-out runs as the loop's next task, after the sender's METADATA + ACK (written as this
            // future completes): the sender does not wait behind hundreds of copies. Tasks run in order, so
            // one sender's messages still go out in order.
            eventLoop.execute {
                self.registry.deliver(
                    toEach: members.map { UserKey(appID: group.appID, uid: $0) },
                    except: origin.exclusion.map { (origin.user, $0) }
                ) { index in
                    let (id, previousID) = receipt[index]
                    return self.storedPush(frame, id: id, previousID: previousID, realtime: realtime)
                }
            }
            guard let senderIndex = members.firstIndex(of: origin.user.uid) else {
                return GroupReceipt(id: 0, previousID: 0, isSuper: false)
            }
            let (id, previousID) = receipt[senderIndex]
            return GroupReceipt(id: id, previousID: previousID, isSuper: false)
        }
    }

    private func storeSuperGroupMessage(
        _ stored: NewMessage,
        frame: OutboundFrame,
        offline: OfflinePushMessage,
        group: GroupInfo,
        from origin: MessageOrigin,
        realtime: Bool,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<GroupReceipt> {
        store.append(stored, to: [.group(appID: group.appID, gid: group.id)], on: eventLoop).map { receipt in
            self.pushOffline(offline)
            let (id, previousID) = receipt[0]
            let notify = OutboundFrame.groupSyncKey(.syncGroupNotify, groupID: group.id, key: id)
            let push = realtime ? Push([.metadata(id: id, previousID: previousID), frame, notify]) : Push([notify])
            // After the sender's ACK, as for normal groups.
            eventLoop.execute {
                self.registry.deliver(
                    toEach: offline.receivers.map { UserKey(appID: group.appID, uid: $0) },
                    except: origin.exclusion.map { (origin.user, $0) }
                ) { _ in push }
            }
            return GroupReceipt(id: id, previousID: previousID, isSuper: true)
        }
    }

    /// Stores a group notification (`MSG_GROUP_NOTIFICATION`, reference §5.9) for `group`'s members and
    /// `extraMembers`: a normal group's in every member's personal queue (one durable append) followed by
    /// SYNC_NOTIFY; a super group's once in the group queue followed by SYNC_GROUP_NOTIFY. Clients fetch
    /// it by sync. Returns how many members it was stored for.
    @discardableResult
    package func sendGroupNotification(
        _ notification: ByteBuffer,
        group: GroupInfo,
        extraMembers: [Int64] = []
    ) async throws -> Int {
        var seen = Set<Int64>()
        let members = (group.memberIDs + extraMembers).filter { seen.insert($0).inserted }
        guard !members.isEmpty else { return 0 }
        let stored = NewMessage(
            command: IMCommand.groupNotification.rawValue,
            body: notification,
            senderDeviceID: 0,
            timestamp: now()
        )
        let users = members.map { UserKey(appID: group.appID, uid: $0) }
        if group.isSuper {
            let receipt = try await store.append(stored, to: [.group(appID: group.appID, gid: group.id)])
            let notify = Push([.groupSyncKey(.syncGroupNotify, groupID: group.id, key: receipt[0].id)])
            registry.deliver(toEach: users) { _ in notify }
        } else {
            let receipt = try await store.append(stored, to: users.map { .personal(appID: $0.appID, uid: $0.uid) })
            registry.deliver(toEach: users) { index in Push([.syncKey(.syncNotify, receipt[index].id)]) }
        }
        return members.count
    }
}
