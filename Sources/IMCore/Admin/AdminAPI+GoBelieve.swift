import HTTPTypes
import Hummingbird
import NIOCore

extension AdminAPI {
    private struct SystemMessageRequest: Decodable {
        var appid: Int64
        var content: String
        var receivers: [Int64]
    }

    private struct GroupNotificationRequest: Decodable {
        var appid: Int64
        var group_id: Int64
        var notification: String
        var `super`: Bool?
        var members: [Int64]?
    }

    private struct CustomerMessageRequest: Decodable {
        var sender_appid: Int64
        var sender: Int64
        var receiver_appid: Int64
        var receiver: Int64
        var content: String
    }

    /// GoBelieve's endpoints (reference §10.1): same paths and parameters, GET and POST alike.
    static func addGoBelieveRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        func route(
            _ path: RouterPath,
            _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
        ) {
            router.on(path, method: .get, use: handler)
            router.on(path, method: .post, use: handler)
        }

        route("/post_peer_message") { request, _ in
            let appID = try request.int("appid")
            let sender = try request.int("sender")
            let receiver = try request.int("receiver")
            let content = try await AdminJSON.body(request, limit: IMFrame.maxClientBodySize - 24)
            guard content.readableBytes > 0 else { throw AdminError.badField("body", "the message content is empty") }
            let message = IMMessage(sender: sender, receiver: receiver, msgID: 0, content: content)
            let origin = MessageOrigin.admin(UserKey(appID: appID, uid: sender))
            do {
                _ = try await core.messages.send(.peer(message, flags: []), from: origin)
            } catch {
                throw AdminError(.internalServerError, "storing the message failed: \(error)")
            }
            return AdminJSON.empty
        }

        route("/post_group_message") { request, _ in
            let appID = try request.int("appid")
            let sender = try request.int("sender")
            let groupID = try request.int("receiver")
            let content = try await AdminJSON.body(request, limit: IMFrame.maxClientBodySize - 24)
            guard content.readableBytes > 0 else { throw AdminError.badField("body", "the message content is empty") }
            let message = IMMessage(sender: sender, receiver: groupID, msgID: 0, content: content)
            do {
                // As GoBelieve: a normal group's members get the message pushed, a super group's a notify.
                _ = try await core.messages.send(.group(message, flags: []), from: .admin(UserKey(appID: appID, uid: sender)))
            } catch let refusal as MessageRefusal where refusal.status == .groupNonexistent {
                throw AdminError(.notFound, "receiver: no group \(groupID) in app \(appID)")
            } catch {
                throw AdminError(.internalServerError, "storing the message failed: \(error)")
            }
            return AdminJSON.empty
        }

        route("/post_group_notification") { request, _ in
            let body = try await AdminJSON.decode(GroupNotificationRequest.self, from: request)
            guard !body.notification.isEmpty else { throw AdminError.badField("notification", "must not be empty") }
            guard body.notification.utf8.count <= IMFrame.maxClientBodySize else {
                throw AdminError.badField("notification", "longer than \(IMFrame.maxClientBodySize) bytes")
            }
            // The directory's group and members win; a group it does not know is the members given.
            let group =
                try await directoryCall { try await core.directory.group(body.group_id) }
                ?? GroupInfo(
                    id: body.group_id,
                    appID: body.appid,
                    master: 0,
                    isSuper: body.super ?? false,
                    members: [:]
                )
            guard group.appID == body.appid else {
                throw AdminError.badField("group_id", "group \(body.group_id) belongs to another app")
            }
            var seen = Set<Int64>()
            let members = (group.memberIDs + (body.members ?? [])).filter { seen.insert($0).inserted }
            guard !members.isEmpty else { throw AdminError.badField("members", "group no member") }
            do {
                _ = try await core.messages.send(
                    .groupNotification(ByteBuffer(string: body.notification), group: group, members: members),
                    from: .admin(UserKey(appID: group.appID, uid: 0))
                )
            } catch {
                throw AdminError(.internalServerError, "storing the notification failed: \(error)")
            }
            return AdminJSON.empty
        }

        route("/post_room_message") { request, _ in
            let appID = try request.int("appid")
            let uid = try request.int("uid")
            let room = try request.int("room")
            let content = try await AdminJSON.body(request, limit: IMFrame.maxClientBodySize - 16)
            core.messages.sendRoomMessage(
                IMRealtimeMessage(sender: uid, receiver: room, content: content),
                appID: appID,
                from: .admin(UserKey(appID: appID, uid: uid))
            )
            return AdminJSON.empty
        }

        route("/post_customer_message") { request, _ in
            let body = try await AdminJSON.decode(CustomerMessageRequest.self, from: request)
            guard !body.content.isEmpty else { throw AdminError.badField("content", "must not be empty") }
            guard body.content.utf8.count <= IMFrame.maxClientBodySize - 36 else {
                throw AdminError.badField("content", "longer than \(IMFrame.maxClientBodySize - 36) bytes")
            }
            let message = IMCustomerMessage(
                senderAppID: body.sender_appid,
                sender: body.sender,
                receiverAppID: body.receiver_appid,
                receiver: body.receiver,
                timestamp: 0,
                content: ByteBuffer(string: body.content)
            )
            do {
                _ = try await core.messages.send(
                    .customer(message, flags: []),
                    from: .admin(UserKey(appID: body.sender_appid, uid: body.sender))
                )
            } catch let refusal as MessageRefusal {
                throw AdminError.badField("sender_appid", refusal.reason)
            } catch {
                throw AdminError(.internalServerError, "storing the message failed: \(error)")
            }
            return AdminJSON.data([String: Any]())
        }

        route("/post_system_message") { request, _ in
            let body = try await AdminJSON.decode(SystemMessageRequest.self, from: request)
            guard !body.receivers.isEmpty else { throw AdminError.badField("receivers", "must not be empty") }
            guard !body.content.isEmpty else { throw AdminError.badField("content", "must not be empty") }
            guard body.content.utf8.count <= IMFrame.maxClientBodySize else {
                throw AdminError.badField("content", "longer than \(IMFrame.maxClientBodySize) bytes")
            }
            do {
                _ = try await core.messages.send(
                    .system(ByteBuffer(string: body.content), appID: body.appid, receivers: body.receivers),
                    from: .admin(UserKey(appID: body.appid, uid: 0))
                )
            } catch {
                throw AdminError(.internalServerError, "storing the message failed: \(error)")
            }
            return AdminJSON.empty
        }

        route("/post_notification") { request, _ in
            let appID = try request.int("appid")
            let uid = try request.int("uid")
            let content = try await AdminJSON.body(request, limit: IMFrame.maxClientBodySize)
            core.messages.sendNotification(content, to: UserKey(appID: appID, uid: uid))
            return AdminJSON.empty
        }

        route("/post_realtime_message") { request, _ in
            let appID = try request.int("appid")
            let sender = try request.int("sender")
            let receiver = try request.int("receiver")
            let content = try await AdminJSON.body(request, limit: IMFrame.maxClientBodySize - 16)
            let origin = MessageOrigin.admin(UserKey(appID: appID, uid: sender))
            core.messages.sendRealtime(IMRealtimeMessage(sender: sender, receiver: receiver, content: content), from: origin)
            return AdminJSON.empty
        }

        route("/get_offline_count") { request, _ in
            let user = UserKey(appID: try request.int("appid"), uid: try request.int("uid"))
            let key = try request.optionalInt("sync_key") ?? 0
            guard key >= 0 else { throw AdminError.badField("sync_key", "must not be negative") }
            let count = try await storeRead { try await core.messages.offlineCount(user, after: key) }
            return AdminJSON.data(["count": count])
        }

        route("/load_latest_message") { request, _ in
            let user = UserKey(appID: try request.int("appid"), uid: try request.int("uid"))
            let limit = try request.int("limit")
            guard (1...10_000).contains(limit) else { throw AdminError.badField("limit", "must be in 1...10000") }
            let messages = try await storeRead { try await core.messages.latest(user, limit: Int(limit)) }
            return AdminJSON.data(messages.compactMap(historyObject))
        }

        route("/load_history_message") { request, _ in
            let user = UserKey(appID: try request.int("appid"), uid: try request.int("uid"))
            let lastID = try request.optionalInt("last_id") ?? 0
            guard lastID >= 0 else { throw AdminError.badField("last_id", "must not be negative") }
            let messages = try await storeRead { try await core.messages.history(user, after: UInt64(lastID)) }
            return AdminJSON.data(messages.compactMap(historyObject))
        }
    }

    /// A stored message as GoBelieve's history JSON object; nil for kinds it omits.
    static func historyObject(_ message: StoredMessage) -> [String: Any]? {
        let command = IMCommand(rawValue: message.command)
        switch command {
        case .im, .groupIM:
            guard let decoded = try? IMMessage(body: message.body, version: 2, command: command) else { return nil }
            return [
                "id": message.id, "command": Int(message.command), "sender": decoded.sender,
                "receiver": decoded.receiver, "timestamp": Int(decoded.timestamp),
                "content": String(buffer: decoded.content),
            ]
        case .customerV2:
            guard let decoded = try? IMCustomerMessage(body: message.body) else { return nil }
            return [
                "id": message.id, "command": Int(message.command), "sender": decoded.sender,
                "receiver": decoded.receiver, "timestamp": Int(decoded.timestamp),
                "content": String(buffer: decoded.content), "sender_appid": decoded.senderAppID,
                "receiver_appid": decoded.receiverAppID,
            ]
        default:
            return nil
        }
    }
}
