import IMAdminAPI
import NIOCore

/// GoBelieve's message posts (PROTOCOL.md §10.1): the same checks and replies as GoBelieve's `im`, one
/// handler per endpoint.
enum MessagePostHandlers {
    /// `/post_peer_message`: stored for both users; SYNC_NOTIFY to both.
    static func postPeerMessage(_ admin: AdminContext, _ request: IMAdmin.MessagePost) async throws -> IMEmpty {
        let content = try messageContent(request.content, limit: IMFrame.maxClientBodySize - 24)
        let message = IMMessage(sender: request.sender, receiver: request.receiver, msgID: 0, content: content)
        let origin = MessageOrigin.admin(UserKey(appID: request.appid, uid: request.sender))
        do {
            _ = try await admin.core.messages.send(.peer(message, flags: []), from: origin)
        } catch {
            throw AdminError(.internalServerError, "storing the message failed: \(error)")
        }
        return IMEmpty()
    }

    /// `/post_group_message`: as GoBelieve, a normal group's members get the message pushed, a super
    /// group's a notify.
    static func postGroupMessage(_ admin: AdminContext, _ request: IMAdmin.MessagePost) async throws -> IMEmpty {
        let content = try messageContent(request.content, limit: IMFrame.maxClientBodySize - 24)
        let message = IMMessage(sender: request.sender, receiver: request.receiver, msgID: 0, content: content)
        let origin = MessageOrigin.admin(UserKey(appID: request.appid, uid: request.sender))
        do {
            _ = try await admin.core.messages.send(.group(message, flags: []), from: origin)
        } catch let refusal as MessageRefusal where refusal.status == .groupNonexistent {
            throw AdminError(.notFound, "receiver: no group \(request.receiver) in app \(request.appid)")
        } catch {
            throw AdminError(.internalServerError, "storing the message failed: \(error)")
        }
        return IMEmpty()
    }

    /// `/post_group_notification`: to the group's members (the directory's group wins; a group it does not
    /// know is the members given) and `members`.
    static func postGroupNotification(
        _ admin: AdminContext,
        _ request: IMAdmin.GroupNotification
    ) async throws -> IMEmpty {
        guard !request.notification.isEmpty else { throw AdminError.badField("notification", "must not be empty") }
        guard request.notification.utf8.count <= IMFrame.maxClientBodySize else {
            throw AdminError.badField("notification", "longer than \(IMFrame.maxClientBodySize) bytes")
        }
        let group =
            try await directoryCall { try await admin.core.directory.group(request.groupID) }
            ?? GroupInfo(
                id: request.groupID,
                appID: request.appid,
                master: 0,
                isSuper: request.isSuper ?? false,
                members: [:]
            )
        guard group.appID == request.appid else {
            throw AdminError.badField("group_id", "group \(request.groupID) belongs to another app")
        }
        var seen = Set<Int64>()
        let members = (group.memberIDs + (request.members ?? [])).filter { seen.insert($0).inserted }
        guard !members.isEmpty else { throw AdminError.badField("members", "group no member") }
        do {
            _ = try await admin.core.messages.send(
                .groupNotification(ByteBuffer(string: request.notification), group: group, members: members),
                from: .admin(UserKey(appID: group.appID, uid: 0))
            )
        } catch {
            throw AdminError(.internalServerError, "storing the notification failed: \(error)")
        }
        return IMEmpty()
    }

    /// `/post_room_message`: to every connection in the room, not stored.
    static func postRoomMessage(_ admin: AdminContext, _ request: IMAdmin.RoomPost) async throws -> IMEmpty {
        let content = try bounded(request.content, limit: IMFrame.maxClientBodySize - 16)
        admin.core.messages.sendRoomMessage(
            IMRealtimeMessage(sender: request.uid, receiver: request.room, content: content),
            appID: request.appid,
            from: .admin(UserKey(appID: request.appid, uid: request.uid))
        )
        return IMEmpty()
    }

    /// `/post_customer_message`: stored for both users; a message that neither comes from nor goes to
    /// `kefu_appid` is refused.
    static func postCustomerMessage(
        _ admin: AdminContext,
        _ request: IMAdmin.CustomerMessage
    ) async throws -> IMEmpty {
        guard !request.content.isEmpty else { throw AdminError.badField("content", "must not be empty") }
        guard request.content.utf8.count <= IMFrame.maxClientBodySize - 36 else {
            throw AdminError.badField("content", "longer than \(IMFrame.maxClientBodySize - 36) bytes")
        }
        let message = IMCustomerMessage(
            senderAppID: request.senderAppID,
            sender: request.sender,
            receiverAppID: request.receiverAppID,
            receiver: request.receiver,
            timestamp: 0,
            content: ByteBuffer(string: request.content)
        )
        do {
            _ = try await admin.core.messages.send(
                .customer(message, flags: []),
                from: .admin(UserKey(appID: request.senderAppID, uid: request.sender))
            )
        } catch let refusal as MessageRefusal {
            throw AdminError.badField("sender_appid", refusal.reason)
        } catch {
            throw AdminError(.internalServerError, "storing the message failed: \(error)")
        }
        return IMEmpty()
    }

    /// `/post_system_message`: stored once for every receiver.
    static func postSystemMessage(_ admin: AdminContext, _ request: IMAdmin.SystemMessage) async throws -> IMEmpty {
        guard !request.receivers.isEmpty else { throw AdminError.badField("receivers", "must not be empty") }
        guard !request.content.isEmpty else { throw AdminError.badField("content", "must not be empty") }
        guard request.content.utf8.count <= IMFrame.maxClientBodySize else {
            throw AdminError.badField("content", "longer than \(IMFrame.maxClientBodySize) bytes")
        }
        do {
            _ = try await admin.core.messages.send(
                .system(ByteBuffer(string: request.content), appID: request.appid, receivers: request.receivers),
                from: .admin(UserKey(appID: request.appid, uid: 0))
            )
        } catch {
            throw AdminError(.internalServerError, "storing the message failed: \(error)")
        }
        return IMEmpty()
    }

    /// `/post_notification`: to the user's sessions, not stored.
    static func postNotification(_ admin: AdminContext, _ request: IMAdmin.NotificationPost) async throws -> IMEmpty {
        let content = try bounded(request.content, limit: IMFrame.maxClientBodySize)
        admin.core.messages.sendNotification(content, to: UserKey(appID: request.appid, uid: request.uid))
        return IMEmpty()
    }

    /// `/post_realtime_message`: `MSG_RT` to the receiver, not stored.
    static func postRealtimeMessage(_ admin: AdminContext, _ request: IMAdmin.MessagePost) async throws -> IMEmpty {
        let content = try bounded(request.content, limit: IMFrame.maxClientBodySize - 16)
        let origin = MessageOrigin.admin(UserKey(appID: request.appid, uid: request.sender))
        admin.core.messages.sendRealtime(
            IMRealtimeMessage(sender: request.sender, receiver: request.receiver, content: content),
            from: origin
        )
        return IMEmpty()
    }

    /// A posted body that fits in a frame after the message's header fields: a 413 past `limit`.
    private static func bounded(_ content: [UInt8], limit: Int) throws -> ByteBuffer {
        guard content.count <= limit else { throw AdminError(IMAdminProblem.bodyTooLarge(limit)) }
        return ByteBuffer(bytes: content)
    }

    /// A stored message's content: bounded, and not empty.
    private static func messageContent(_ content: [UInt8], limit: Int) throws -> ByteBuffer {
        let buffer = try bounded(content, limit: limit)
        guard buffer.readableBytes > 0 else { throw AdminError.badField("body", "the message content is empty") }
        return buffer
    }
}
