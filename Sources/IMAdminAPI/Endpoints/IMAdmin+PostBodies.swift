extension IMAdmin {
    /// `/post_system_message`'s body.
    public struct SystemMessage: IMAdminJSONParameters, Equatable {
        public var appid: Int64
        public var content: String
        public var receivers: [Int64]

        public init(appid: Int64, content: String, receivers: [Int64]) {
            self.appid = appid
            self.content = content
            self.receivers = receivers
        }
    }

    /// `/post_group_notification`'s body, with GoBelieve's names.
    public struct GroupNotification: IMAdminJSONParameters, Equatable {
        public var appid: Int64
        public var groupID: Int64
        public var notification: String
        /// For a group the server does not know: whether it is a super group (the directory wins otherwise).
        public var isSuper: Bool?
        /// Users who get it besides the group's members.
        public var members: [Int64]?

        enum CodingKeys: String, CodingKey {
            case appid, notification, members
            case groupID = "group_id"
            case isSuper = "super"
        }

        public init(appid: Int64, groupID: Int64, notification: String, isSuper: Bool? = nil, members: [Int64]? = nil) {
            self.appid = appid
            self.groupID = groupID
            self.notification = notification
            self.isSuper = isSuper
            self.members = members
        }
    }

    /// `/post_customer_message`'s body, with GoBelieve's names.
    public struct CustomerMessage: IMAdminJSONParameters, Equatable {
        public var senderAppID: Int64
        public var sender: Int64
        public var receiverAppID: Int64
        public var receiver: Int64
        public var content: String

        enum CodingKeys: String, CodingKey {
            case sender, receiver, content
            case senderAppID = "sender_appid"
            case receiverAppID = "receiver_appid"
        }

        public init(senderAppID: Int64, sender: Int64, receiverAppID: Int64, receiver: Int64, content: String) {
            self.senderAppID = senderAppID
            self.sender = sender
            self.receiverAppID = receiverAppID
            self.receiver = receiver
            self.content = content
        }
    }
}
