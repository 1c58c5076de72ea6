import NIOCore

extension MessageService {
    /// Makes the plan for `message` after the policy checks, then carries it out for `reply`: nothing to
    /// store (a group without members) answers at once, a `MessageRefusal` when it may not go.
    func plan(_ message: OutgoingMessage, from origin: MessageOrigin, reply: Reply) {
        switch message {
        case .peer(let message, let flags):
            counters.inMessages.add()
            guard checksRelationship(of: origin) else {
                return carryOut(.success(peerPlan(message, flags: flags, from: origin)), reply)
            }
            checkRelationship(from: origin, to: message.receiver) { checked in
                self.carryOut(checked.map { self.peerPlan(message, flags: flags, from: origin) }, reply)
            }
        case .group(let message, let flags):
            counters.inMessages.add()
            groupPlan(message, flags: flags, from: origin, reply: reply)
        case .customer(let message, let flags):
            carryOut(Result { try customerPlan(message, flags: flags, from: origin) }, reply)
        case .system(let content, let appID, let receivers):
            carryOut(.success(systemPlan(content, appID: appID, receivers: receivers)), reply)
        case .groupNotification(let content, let group, let members):
            carryOut(.success(notificationPlan(content, group: group, members: members)), reply)
        }
    }

    /// A peer message (PROTOCOL.md §3 steps 7–9): stored in the receiver's queue (entry 0) and the
    /// sender's (entry 1, its METADATA); every session of the receiver and the sender's other sessions
    /// get METADATA + the message (flags + PUSH) + SYNC_NOTIFY with their own queue's key. Admin posts
    /// send only the notify.
    func peerPlan(_ message: IMMessage, flags: IMMessageFlags, from origin: MessageOrigin) -> DeliveryPlan {
        var message = message
        let timestamp = now()
        message.timestamp = Int32(truncatingIfNeeded: timestamp)
        if !origin.isAdmin, flags.contains(.text), let filtered = words.filter(message.content) {
            message.content = filtered
        }
        let receiver = UserKey(appID: origin.user.appID, uid: message.receiver)
        let body = message.storedBody()
        return DeliveryPlan(
            message: NewMessage(
                command: IMCommand.im.rawValue,
                body: body,
                senderDeviceID: origin.deviceID,
                timestamp: timestamp
            ),
            queues: [
                .personal(appID: receiver.appID, uid: receiver.uid),
                .personal(appID: origin.user.appID, uid: origin.user.uid),
            ],
            frame: OutboundFrame(command: .im, flags: flags.union(.push), body: .message(message)),
            realtime: !origin.isAdmin,
            recipients: [Delivery.Recipient(receiver, entry: 0), Delivery.Recipient(origin.user, entry: 1)],
            exclusion: origin.session,
            offline: offlinePush(
                .peer,
                appID: receiver.appID,
                sender: origin.user.uid,
                receivers: [receiver.uid],
                content: message.content
            ),
            senderEntry: 1,
            summary: .peer(from: origin.user, to: receiver)
        )
    }

    /// A customer-service message (PROTOCOL.md §6.2): a peer message across apps, one of which must be the
    /// configured `kefu_appid` (otherwise refused with 68); stored and delivered as a peer message, in
    /// each user's own app.
    func customerPlan(
        _ message: IMCustomerMessage,
        flags: IMMessageFlags,
        from origin: MessageOrigin
    ) throws
        -> DeliveryPlan
    {
        let kefu = configuration.kefuAppID
        guard kefu != 0, message.senderAppID == kefu || message.receiverAppID == kefu else {
            throw MessageRefusal(
                .serverError,
                "customer messages must come from or go to the customer-service app (kefu_appid \(kefu))"
            )
        }
        var message = message
        let timestamp = now()
        message.timestamp = Int32(truncatingIfNeeded: timestamp)
        let body = message.body()
        let sender = UserKey(appID: message.senderAppID, uid: message.sender)
        let receiver = UserKey(appID: message.receiverAppID, uid: message.receiver)
        return DeliveryPlan(
            message: NewMessage(
                command: IMCommand.customerV2.rawValue,
                body: body,
                senderDeviceID: origin.deviceID,
                timestamp: timestamp
            ),
            queues: [
                .personal(appID: receiver.appID, uid: receiver.uid), .personal(appID: sender.appID, uid: sender.uid),
            ],
            frame: .raw(.customerV2, body, flags: flags.union(.push)),
            realtime: !origin.isAdmin,
            recipients: [Delivery.Recipient(receiver, entry: 0), Delivery.Recipient(sender, entry: 1)],
            exclusion: origin.session,
            offline: offlinePush(
                .customer(senderAppID: sender.appID, receiverAppID: receiver.appID),
                appID: receiver.appID,
                sender: sender.uid,
                receivers: [receiver.uid],
                content: message.content
            ),
            senderEntry: 1,
            summary: .customer(from: sender, to: receiver)
        )
    }

    /// A system message (PROTOCOL.md §6.3): stored once for every receiver's queue (duplicates once);
    /// their sessions get SYNC_NOTIFY and fetch it by sync.
    func systemPlan(_ content: ByteBuffer, appID: Int64, receivers: [Int64]) -> DeliveryPlan {
        var seen = Set<Int64>()
        let unique = receivers.filter { seen.insert($0).inserted }
        return DeliveryPlan(
            message: NewMessage(command: IMCommand.system.rawValue, body: content, senderDeviceID: 0, timestamp: now()),
            queues: unique.map { .personal(appID: appID, uid: $0) },
            frame: .raw(.system, content),
            realtime: false,
            recipients: unique.indices.map { Delivery.Recipient(UserKey(appID: appID, uid: unique[$0]), entry: $0) },
            offline: offlinePush(.system, appID: appID, sender: 0, receivers: unique, content: content),
            summary: .system(users: unique.count, appID: appID)
        )
    }

    /// A group notification (PROTOCOL.md §5.9) for `members`: a normal group's in every member's queue, a
    /// super group's once in its queue; members get the notify and fetch it by sync.
    func notificationPlan(_ content: ByteBuffer, group: GroupInfo, members: [Int64]) -> DeliveryPlan? {
        guard !members.isEmpty else { return nil }
        let users = members.map { UserKey(appID: group.appID, uid: $0) }
        return DeliveryPlan(
            message: NewMessage(
                command: IMCommand.groupNotification.rawValue,
                body: content,
                senderDeviceID: 0,
                timestamp: now()
            ),
            queues: group.isSuper
                ? [.group(appID: group.appID, gid: group.id)] : users.map { .personal(appID: $0.appID, uid: $0.uid) },
            frame: .raw(.groupNotification, content),
            realtime: false,
            recipients: users.indices.map { Delivery.Recipient(users[$0], entry: group.isSuper ? 0 : $0) },
            summary: .notification(group: group.id)
        )
    }
}
