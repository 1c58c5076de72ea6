import HTTPTypes
import Hummingbird
import NIOCore

extension AdminAPI {
    private struct SystemMessageRequest: Decodable {
        var appid: Int64
        var content: String
        var receivers: [Int64]
    }

    /// GoBelieve's endpoints (reference §10.1): same paths and parameters, GET and POST alike.
    static func addGoBelieveRoutes(to router: Router<BasicRequestContext>, core: ServerCore) {
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
            let origin = MessageOrigin(user: UserKey(appID: appID, uid: sender), deviceID: 0, sessionID: nil)
            do {
                _ = try await core.sendPeerMessage(
                    message,
                    flags: [],
                    from: origin,
                    realtime: false,
                    on: core.adminEventLoop
                ).get()
            } catch {
                throw AdminError(.internalServerError, "storing the message failed: \(error)")
            }
            return AdminJSON.empty
        }

        route("/post_system_message") { request, _ in
            let body = try await AdminJSON.decode(SystemMessageRequest.self, from: request)
            guard !body.receivers.isEmpty else { throw AdminError.badField("receivers", "must not be empty") }
            guard !body.content.isEmpty else { throw AdminError.badField("content", "must not be empty") }
            guard body.content.utf8.count <= IMFrame.maxClientBodySize else {
                throw AdminError.badField("content", "longer than \(IMFrame.maxClientBodySize) bytes")
            }
            do {
                try await core.sendSystemMessage(
                    ByteBuffer(string: body.content),
                    appID: body.appid,
                    to: body.receivers
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
            core.registry.deliver(Push([.raw(.notification, content)]), to: UserKey(appID: appID, uid: uid))
            return AdminJSON.empty
        }

        route("/post_realtime_message") { request, _ in
            let appID = try request.int("appid")
            let sender = try request.int("sender")
            let receiver = try request.int("receiver")
            let content = try await AdminJSON.body(request, limit: IMFrame.maxClientBodySize - 16)
            let origin = MessageOrigin(user: UserKey(appID: appID, uid: sender), deviceID: 0, sessionID: nil)
            core.sendRealtimeMessage(
                IMRealtimeMessage(sender: sender, receiver: receiver, content: content),
                from: origin
            )
            return AdminJSON.empty
        }

        route("/get_offline_count") { request, _ in
            let user = UserKey(appID: try request.int("appid"), uid: try request.int("uid"))
            var key = try request.optionalInt("sync_key") ?? 0
            if key == 0 { key = core.directory.syncKey(user) }
            guard key >= 0 else { throw AdminError.badField("sync_key", "must not be negative") }
            let count = try core.store.newCount(.personal(appID: user.appID, uid: user.uid), after: UInt64(key))
            return AdminJSON.data(["count": count])
        }

        route("/load_latest_message") { request, _ in
            let user = UserKey(appID: try request.int("appid"), uid: try request.int("uid"))
            let limit = try request.int("limit")
            guard (1...10_000).contains(limit) else { throw AdminError.badField("limit", "must be in 1...10000") }
            let messages = try core.store.latest(.personal(appID: user.appID, uid: user.uid), limit: Int(limit))
            return AdminJSON.data(messages.compactMap(historyObject))
        }

        route("/load_history_message") { request, _ in
            let user = UserKey(appID: try request.int("appid"), uid: try request.int("uid"))
            let lastID = try request.optionalInt("last_id") ?? 0
            guard lastID >= 0 else { throw AdminError.badField("last_id", "must not be negative") }
            let page = try core.store.sync(
                .personal(appID: user.appID, uid: user.uid),
                after: UInt64(lastID),
                limit: core.configuration.session.syncBatchLimit
            )
            return AdminJSON.data(page.messages.compactMap(historyObject))
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
