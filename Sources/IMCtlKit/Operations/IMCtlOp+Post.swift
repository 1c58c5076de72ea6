import IMAdminClient

extension IMCtlOp {
    /// `post peer`: a peer message from `sender` to `receiver`, stored for both (GoBelieve's
    /// `/post_peer_message`).
    package struct PostPeer: IMCtlOperation {
        package static let command = "post peer"
        package static let fields = ["appid", "sender", "receiver", "content"]
        package var appid: Int64
        package var sender: Int64
        package var receiver: Int64
        package var content: IMCtlContent

        package init(appid: Int64, sender: Int64, receiver: Int64, content: IMCtlContent) {
            self.appid = appid
            self.sender = sender
            self.receiver = receiver
            self.content = content
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(
                IMAdmin.PostPeerMessage.self,
                .init(appid: appid, sender: sender, receiver: receiver, content: content.bytes)
            )
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("posted a peer message from \(sender) to \(receiver) (app \(appid), \(content.bytes.count) bytes)")
        }
    }

    /// `post group`: a group message from `sender` to group `group` (`/post_group_message`).
    package struct PostGroup: IMCtlOperation {
        package static let command = "post group"
        package static let fields = ["appid", "sender", "group", "content"]
        package var appid: Int64
        package var sender: Int64
        package var group: Int64
        package var content: IMCtlContent

        package init(appid: Int64, sender: Int64, group: Int64, content: IMCtlContent) {
            self.appid = appid
            self.sender = sender
            self.group = group
            self.content = content
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(
                IMAdmin.PostGroupMessage.self,
                .init(appid: appid, sender: sender, receiver: group, content: content.bytes)
            )
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("posted a group message from \(sender) to group \(group) (app \(appid))")
        }
    }

    /// `post system`: one system message stored for every receiver (`/post_system_message`).
    package struct PostSystem: IMCtlOperation {
        package static let command = "post system"
        package static let fields = ["appid", "receivers", "content"]
        package var appid: Int64
        package var receivers: [Int64]
        package var content: IMCtlContent

        package init(appid: Int64, receivers: [Int64], content: IMCtlContent) {
            self.appid = appid
            self.receivers = receivers
            self.content = content
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            guard !receivers.isEmpty else { throw .usage("receivers: give at least one uid") }
            let text = try content.text(field: "content")
            return try IMCtlOp.request(
                IMAdmin.PostSystemMessage.self,
                .init(appid: appid, content: text, receivers: receivers)
            )
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message(
                "posted a system message to \(receivers.count) user\(receivers.count == 1 ? "" : "s") (app \(appid))"
            )
        }
    }

    /// `post room`: a room message from `uid` to the room's present members, not stored
    /// (`/post_room_message`).
    package struct PostRoom: IMCtlOperation {
        package static let command = "post room"
        package static let fields = ["appid", "uid", "room", "content"]
        package var appid: Int64
        package var uid: Int64
        package var room: Int64
        package var content: IMCtlContent

        package init(appid: Int64, uid: Int64, room: Int64, content: IMCtlContent) {
            self.appid = appid
            self.uid = uid
            self.room = room
            self.content = content
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(
                IMAdmin.PostRoomMessage.self,
                .init(appid: appid, uid: uid, room: room, content: content.bytes)
            )
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("posted a room message from \(uid) to room \(room) (app \(appid))")
        }
    }

    /// `post customer`: a customer-service message between two apps (`/post_customer_message`).
    package struct PostCustomer: IMCtlOperation {
        package static let command = "post customer"
        package static let fields = ["sender_appid", "sender", "receiver_appid", "receiver", "content"]
        package var senderAppid: Int64
        package var sender: Int64
        package var receiverAppid: Int64
        package var receiver: Int64
        package var content: IMCtlContent

        enum CodingKeys: String, CodingKey {
            case senderAppid = "sender_appid"
            case sender
            case receiverAppid = "receiver_appid"
            case receiver
            case content
        }

        package init(senderAppid: Int64, sender: Int64, receiverAppid: Int64, receiver: Int64, content: IMCtlContent) {
            self.senderAppid = senderAppid
            self.sender = sender
            self.receiverAppid = receiverAppid
            self.receiver = receiver
            self.content = content
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            let text = try content.text(field: "content")
            return try IMCtlOp.request(
                IMAdmin.PostCustomerMessage.self,
                .init(
                    senderAppID: senderAppid,
                    sender: sender,
                    receiverAppID: receiverAppid,
                    receiver: receiver,
                    content: text
                )
            )
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message(
                "posted a customer message from \(sender) (app \(senderAppid)) to \(receiver) (app \(receiverAppid))"
            )
        }
    }

    /// `post realtime`: a real-time message (`MSG_RT`), relayed to the receiver's sessions, not stored
    /// (`/post_realtime_message`).
    package struct PostRealtime: IMCtlOperation {
        package static let command = "post realtime"
        package static let fields = ["appid", "sender", "receiver", "content"]
        package var appid: Int64
        package var sender: Int64
        package var receiver: Int64
        package var content: IMCtlContent

        package init(appid: Int64, sender: Int64, receiver: Int64, content: IMCtlContent) {
            self.appid = appid
            self.sender = sender
            self.receiver = receiver
            self.content = content
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(
                IMAdmin.PostRealtimeMessage.self,
                .init(appid: appid, sender: sender, receiver: receiver, content: content.bytes)
            )
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("sent a real-time message from \(sender) to \(receiver) (app \(appid))")
        }
    }

    /// `post notification`: a notification to a user's sessions (`/post_notification`, not stored), or to
    /// a group's members (`/post_group_notification`, stored).
    package struct PostNotification: IMCtlOperation {
        package static let command = "post notification"
        package static let fields = ["appid", "uid", "group", "content"]
        package var appid: Int64
        package var uid: Int64?
        package var group: Int64?
        package var content: IMCtlContent

        package init(appid: Int64, uid: Int64? = nil, group: Int64? = nil, content: IMCtlContent) {
            self.appid = appid
            self.uid = uid
            self.group = group
            self.content = content
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            switch (uid, group) {
            case (let uid?, nil):
                return try IMCtlOp.request(
                    IMAdmin.PostNotification.self,
                    .init(appid: appid, uid: uid, content: content.bytes)
                )
            case (nil, let group?):
                let text = try content.text(field: "content")
                return try IMCtlOp.request(
                    IMAdmin.PostGroupNotification.self,
                    .init(appid: appid, groupID: group, notification: text)
                )
            default:
                throw .usage("give either uid (a user's sessions) or group (a group's members), not both")
            }
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            if let group { return .message("posted a notification to group \(group) (app \(appid))") }
            return .message("sent a notification to \(IMCtlOp.user(uid ?? 0, app: appid))")
        }
    }
}
