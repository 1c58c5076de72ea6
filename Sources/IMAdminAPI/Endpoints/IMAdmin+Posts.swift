extension IMAdmin {
    /// `/post_peer_message?appid&sender&receiver`, body = the content: a peer message stored for both
    /// users, SYNC_NOTIFY to both; an empty 200.
    public enum PostPeerMessage: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = MessagePost
        public typealias Reply = IMEmptyReply
        public static let methods = postMethods
        public static let path = "/post_peer_message"
    }

    /// `/post_group_message?appid&sender&receiver` (receiver = the group), body = the content: stored for
    /// every member of a normal group and pushed, or once for a super group with SYNC_GROUP_NOTIFY; 404
    /// `receiver: no group`.
    public enum PostGroupMessage: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = MessagePost
        public typealias Reply = IMEmptyReply
        public static let methods = postMethods
        public static let path = "/post_group_message"
    }

    /// `/post_realtime_message?appid&sender&receiver`, body = the content: `MSG_RT` to the receiver, not
    /// stored.
    public enum PostRealtimeMessage: IMAdminEndpoint {
        public typealias Request = MessagePost
        public typealias Reply = IMEmptyReply
        public static let methods = postMethods
        public static let path = "/post_realtime_message"
    }

    /// `/post_room_message?appid&uid&room`, body = the content: `MSG_ROOM_IM` to every connection in the
    /// room, not stored.
    public enum PostRoomMessage: IMAdminEndpoint {
        public typealias Request = RoomPost
        public typealias Reply = IMEmptyReply
        public static let methods = postMethods
        public static let path = "/post_room_message"
    }

    /// `/post_notification?appid&uid`, body = the content: `MSG_NOTIFICATION` to the user's sessions, not
    /// stored.
    public enum PostNotification: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = NotificationPost
        public typealias Reply = IMEmptyReply
        public static let methods = postMethods
        public static let path = "/post_notification"
    }

    /// `/post_system_message {"appid","content","receivers"}`: stored once for every receiver, SYNC_NOTIFY.
    public enum PostSystemMessage: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = SystemMessage
        public typealias Reply = IMEmptyReply
        public static let methods = postMethods
        public static let path = "/post_system_message"
    }

    /// `/post_group_notification {"appid","group_id","notification"[,"super","members"]}`: to the group's
    /// members and `members`; 400 `members: group no member`.
    public enum PostGroupNotification: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = GroupNotification
        public typealias Reply = IMEmptyReply
        public static let methods = postMethods
        public static let path = "/post_group_notification"
    }

    /// `/post_customer_message {"sender_appid","sender","receiver_appid","receiver","content"}`:
    /// `MSG_CUSTOMER_V2` stored for both users; `{"data":{}}`.
    public enum PostCustomerMessage: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = CustomerMessage
        public typealias Reply = IMDataReply<IMEmpty>
        public static let methods = postMethods
        public static let path = "/post_customer_message"
    }

    /// A message posted in the query (`appid`, `sender`, `receiver`) with the content as the body.
    public struct MessagePost: IMAdminParameters, Equatable {
        public var appid: Int64
        public var sender: Int64
        /// A user, or the group for `/post_group_message`.
        public var receiver: Int64
        /// The message content, sent as it is.
        public var content: [UInt8]

        public init(appid: Int64, sender: Int64, receiver: Int64, content: [UInt8]) {
            self.appid = appid
            self.sender = sender
            self.receiver = receiver
            self.content = content
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("sender", sender)
            parts.add("receiver", receiver)
            parts.body = content
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            sender = try parts.int("sender")
            receiver = try parts.int("receiver")
            content = try parts.bytes()
        }
    }

    /// A room message: `appid`, `uid` (the sender), `room` in the query, the content as the body.
    public struct RoomPost: IMAdminParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        public var room: Int64
        public var content: [UInt8]

        public init(appid: Int64, uid: Int64, room: Int64, content: [UInt8]) {
            self.appid = appid
            self.uid = uid
            self.room = room
            self.content = content
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("uid", uid)
            parts.add("room", room)
            parts.body = content
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            uid = try parts.int("uid")
            room = try parts.int("room")
            content = try parts.bytes()
        }
    }

    /// A notification to a user's sessions: `appid`, `uid` in the query, the content as the body.
    public struct NotificationPost: IMAdminParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        public var content: [UInt8]

        public init(appid: Int64, uid: Int64, content: [UInt8]) {
            self.appid = appid
            self.uid = uid
            self.content = content
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("uid", uid)
            parts.body = content
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            uid = try parts.int("uid")
            content = try parts.bytes()
        }
    }
}
