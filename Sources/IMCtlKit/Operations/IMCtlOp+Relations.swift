import IMAdminClient

extension IMCtlOp {
    /// `friend add`: `friend` in `uid`'s friend list, and by default the reverse too
    /// (`POST /friends`); `enable_friendship` checks peer messages against the lists.
    package struct FriendAdd: IMCtlOperation {
        package static let command = "friend add"
        package static let fields = ["appid", "uid", "friend", "one_way"]
        package var appid: Int64
        package var uid: Int64
        package var friend: Int64
        /// Only `uid`'s list changes, not `friend`'s (default: both).
        package var oneWay: Bool?

        enum CodingKeys: String, CodingKey {
            case appid, uid, friend
            case oneWay = "one_way"
        }

        package init(appid: Int64, uid: Int64, friend: Int64, oneWay: Bool = false) {
            self.appid = appid
            self.uid = uid
            self.friend = friend
            self.oneWay = oneWay ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.FriendAdd.self, IMCtlOp.friendChange(appid, uid, friend, oneWay))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            IMCtlOp.friendMessage(data, add: true, appid: appid, uid: uid, friend: friend, oneWay: oneWay)
        }
    }

    /// `friend remove`: `friend` out of `uid`'s friend list, and by default the reverse too
    /// (`DELETE /friends`); `enable_friendship` checks peer messages against the lists.
    package struct FriendRemove: IMCtlOperation {
        package static let command = "friend remove"
        package static let fields = ["appid", "uid", "friend", "one_way"]
        package var appid: Int64
        package var uid: Int64
        package var friend: Int64
        /// Only `uid`'s list changes, not `friend`'s (default: both).
        package var oneWay: Bool?

        enum CodingKeys: String, CodingKey {
            case appid, uid, friend
            case oneWay = "one_way"
        }

        package init(appid: Int64, uid: Int64, friend: Int64, oneWay: Bool = false) {
            self.appid = appid
            self.uid = uid
            self.friend = friend
            self.oneWay = oneWay ? true : nil
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.FriendRemove.self, IMCtlOp.friendChange(appid, uid, friend, oneWay))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            IMCtlOp.friendMessage(data, add: false, appid: appid, uid: uid, friend: friend, oneWay: oneWay)
        }
    }

    /// `friend list`: a user's friends (`GET /friends`).
    package struct FriendList: IMCtlOperation {
        package static let command = "friend list"
        package static let fields = ["appid", "uid"]
        package var appid: Int64
        package var uid: Int64

        package init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.FriendList.self, .init(appid: appid, uid: uid))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            IMCtlOp.listMessage(data["friends"], what: "friends of", uid: uid, appid: appid)
        }
    }

    /// `blacklist add`: `uid` blocks `other` (`POST /blacklist`); `enable_blacklist` checks
    /// peer messages against the lists.
    package struct BlacklistAdd: IMCtlOperation {
        package static let command = "blacklist add"
        package static let fields = ["appid", "uid", "other"]
        package var appid: Int64
        package var uid: Int64
        package var other: Int64

        package init(appid: Int64, uid: Int64, other: Int64) {
            self.appid = appid
            self.uid = uid
            self.other = other
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.BlacklistAdd.self, .init(appid: appid, uid: uid, other: other))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            IMCtlOp.blacklistMessage(data, add: true, appid: appid, uid: uid, other: other)
        }
    }

    /// `blacklist remove`: `uid` unblocks `other` (`DELETE /blacklist`); `enable_blacklist` checks
    /// peer messages against the lists.
    package struct BlacklistRemove: IMCtlOperation {
        package static let command = "blacklist remove"
        package static let fields = ["appid", "uid", "other"]
        package var appid: Int64
        package var uid: Int64
        package var other: Int64

        package init(appid: Int64, uid: Int64, other: Int64) {
            self.appid = appid
            self.uid = uid
            self.other = other
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.BlacklistRemove.self, .init(appid: appid, uid: uid, other: other))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            IMCtlOp.blacklistMessage(data, add: false, appid: appid, uid: uid, other: other)
        }
    }

    /// `blacklist list`: a user's blacklist (`GET /blacklist`).
    package struct BlacklistList: IMCtlOperation {
        package static let command = "blacklist list"
        package static let fields = ["appid", "uid"]
        package var appid: Int64
        package var uid: Int64

        package init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.BlacklistList.self, .init(appid: appid, uid: uid))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            IMCtlOp.listMessage(data["blacklist"], what: "users blocked by", uid: uid, appid: appid)
        }
    }

    /// `mutual` is always sent: both directions unless `oneWay`.
    static func friendChange(_ appid: Int64, _ uid: Int64, _ friend: Int64, _ oneWay: Bool?) -> IMAdmin.RelationChange {
        IMAdmin.RelationChange(appid: appid, uid: uid, friendUID: friend, mutual: oneWay != true)
    }

    static func friendMessage(
        _ data: IMJSON,
        add: Bool,
        appid: Int64,
        uid: Int64,
        friend: Int64,
        oneWay: Bool?
    ) -> IMCtlPresentation {
        let who = IMCtlOp.user(uid, app: appid)
        if data["changed"]?.boolValue == false {
            return .message("\(friend) was \(add ? "already" : "not") a friend of \(who)")
        }
        let both = oneWay == true ? "" : " (both ways)"
        return .message(
            add ? "made \(friend) a friend of \(who)\(both)" : "\(friend) is no longer a friend of \(who)\(both)"
        )
    }

    static func blacklistMessage(_ data: IMJSON, add: Bool, appid: Int64, uid: Int64, other: Int64) -> IMCtlPresentation
    {
        let who = IMCtlOp.user(uid, app: appid)
        if data["changed"]?.boolValue == false {
            return .message("\(who) had \(add ? "already blocked" : "not blocked") \(other)")
        }
        return .message("\(who) \(add ? "blocks" : "no longer blocks") \(other)")
    }

    static func listMessage(_ list: IMJSON?, what: String, uid: Int64, appid: Int64) -> IMCtlPresentation {
        let uids = list?.arrayValue?.map(IMCtlRenderer.scalar) ?? []
        return .message(
            "\(uids.count) \(what) \(IMCtlOp.user(uid, app: appid))"
                + (uids.isEmpty ? "" : ": " + uids.joined(separator: ", "))
        )
    }
}
