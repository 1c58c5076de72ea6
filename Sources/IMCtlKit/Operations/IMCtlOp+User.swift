import IMAdminClient

extension IMCtlOp {
    /// `user kick`: closes a user's sessions, or one device's (`POST /users/kick`).
    package struct UserKick: IMCtlOperation {
        package static let command = "user kick"
        package static let fields = ["appid", "uid", "device_id"]
        package var appid: Int64
        package var uid: Int64
        package var deviceID: Int64?

        enum CodingKeys: String, CodingKey {
            case appid, uid
            case deviceID = "device_id"
        }

        package init(appid: Int64, uid: Int64, deviceID: Int64? = nil) {
            self.appid = appid
            self.uid = uid
            self.deviceID = deviceID
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.UserKick.self, .init(appid: appid, uid: uid, deviceID: deviceID))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            let count = data["kicked"]?.intValue ?? 0
            let device = deviceID.map { " on device \($0)" } ?? ""
            return .message(
                "kicked \(count) session\(count == 1 ? "" : "s") of \(IMCtlOp.user(uid, app: appid))\(device)"
            )
        }
    }

    /// `user online`: users' sessions (device, platform, address, idle time) and mute flag
    /// (`GET /users/online`); with no uids, the app's online users.
    package struct UserOnline: IMCtlOperation {
        package static let command = "user online"
        package static let fields = ["appid", "uids", "limit"]
        package var appid: Int64
        package var uids: [Int64]
        package var limit: Int64?

        package init(appid: Int64, uids: [Int64] = [], limit: Int64? = nil) {
            self.appid = appid
            self.uids = uids
            self.limit = limit
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            appid = try container.decode(Int64.self, forKey: .appid)
            uids = try container.decodeIfPresent([Int64].self, forKey: .uids) ?? []
            limit = try container.decodeIfPresent(Int64.self, forKey: .limit)
        }

        private enum Keys: String, CodingKey { case appid, uids, limit }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.UsersOnline.self, .init(appid: appid, uids: uids, limit: limit))
        }

        /// One row per session; a user without sessions gets one row saying so.
        package func present(_ data: IMJSON) -> IMCtlPresentation {
            var rows: [IMJSON] = []
            for user in data.arrayValue ?? [] {
                let base: [String: IMJSON] = [
                    "uid": user["uid"] ?? .null, "online": user["online"] ?? .null,
                    "forbidden": user["forbidden"] ?? .null,
                ]
                let sessions = user["sessions"]?.arrayValue ?? []
                if sessions.isEmpty { rows.append(.object(base)) }
                for session in sessions {
                    var row = session.objectValue ?? [:]
                    row.merge(base) { $1 }
                    rows.append(.object(row))
                }
            }
            return .table(
                [
                    IMCtlColumn("UID", "uid"), IMCtlColumn("ONLINE", "online", .yesNo),
                    IMCtlColumn("MUTED", "forbidden", .yesNo), IMCtlColumn("SESSION", "session_id"),
                    IMCtlColumn("DEVICE", "device_id"), IMCtlColumn("PLATFORM", "platform"),
                    IMCtlColumn("VERSION", "version"), IMCtlColumn("ADDRESS", "address"),
                    IMCtlColumn("LOGGED IN", "logged_in_at", .time), IMCtlColumn("IDLE S", "idle_seconds"),
                    IMCtlColumn("HELD", "held_pushes"),
                ],
                rows
            )
        }
    }

    /// `user mute`: sets the user's speak-forbidden flag (`POST /users/mute`).
    package struct UserMute: IMCtlOperation {
        package static let command = "user mute"
        package static let fields = ["appid", "uid"]
        package var appid: Int64
        package var uid: Int64

        package init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.UserMute.self, .init(appid: appid, uid: uid))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            data["changed"]?.boolValue == false
                ? .message("\(IMCtlOp.user(uid, app: appid)) was already muted")
                : .message("muted \(IMCtlOp.user(uid, app: appid))")
        }
    }

    /// `user unmute`: clears the user's speak-forbidden flag (`POST /users/unmute`).
    package struct UserUnmute: IMCtlOperation {
        package static let command = "user unmute"
        package static let fields = ["appid", "uid"]
        package var appid: Int64
        package var uid: Int64

        package init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.UserUnmute.self, .init(appid: appid, uid: uid))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            data["changed"]?.boolValue == false
                ? .message("\(IMCtlOp.user(uid, app: appid)) was not muted")
                : .message("unmuted \(IMCtlOp.user(uid, app: appid))")
        }
    }

    /// `user offline-count`: messages after the user's sync key (`/get_offline_count`).
    package struct UserOfflineCount: IMCtlOperation {
        package static let command = "user offline-count"
        package static let fields = ["appid", "uid", "sync_key"]
        package var appid: Int64
        package var uid: Int64
        package var syncKey: Int64?

        enum CodingKeys: String, CodingKey {
            case appid, uid
            case syncKey = "sync_key"
        }

        package init(appid: Int64, uid: Int64, syncKey: Int64? = nil) {
            self.appid = appid
            self.uid = uid
            self.syncKey = syncKey
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.GetOfflineCount.self, .init(appid: appid, uid: uid, syncKey: syncKey))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            let count = data["count"]?.intValue ?? 0
            let after = syncKey.map { "after key \($0)" } ?? "after its stored sync key"
            return .message("\(count) message\(count == 1 ? "" : "s") for \(IMCtlOp.user(uid, app: appid)) \(after)")
        }
    }

    /// `user history`: one sync page of the user's messages after `last_id` (`/load_history_message`).
    package struct UserHistory: IMCtlOperation {
        package static let command = "user history"
        package static let fields = ["appid", "uid", "last_id"]
        package var appid: Int64
        package var uid: Int64
        package var lastID: Int64?

        enum CodingKeys: String, CodingKey {
            case appid, uid
            case lastID = "last_id"
        }

        package init(appid: Int64, uid: Int64, lastID: Int64? = nil) {
            self.appid = appid
            self.uid = uid
            self.lastID = lastID
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.LoadHistoryMessage.self, .init(appid: appid, uid: uid, lastID: lastID ?? 0))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .table(IMCtlOp.messageColumns, data.arrayValue ?? [])
        }
    }

    /// `user latest`: the user's newest messages, oldest first (`/load_latest_message`).
    package struct UserLatest: IMCtlOperation {
        package static let command = "user latest"
        package static let fields = ["appid", "uid", "limit"]
        package var appid: Int64
        package var uid: Int64
        package var limit: Int64

        package init(appid: Int64, uid: Int64, limit: Int64 = 20) {
            self.appid = appid
            self.uid = uid
            self.limit = limit
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            appid = try container.decode(Int64.self, forKey: .appid)
            uid = try container.decode(Int64.self, forKey: .uid)
            limit = try container.decodeIfPresent(Int64.self, forKey: .limit) ?? 20
        }

        private enum Keys: String, CodingKey { case appid, uid, limit }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.LoadLatestMessage.self, .init(appid: appid, uid: uid, limit: limit))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .table(IMCtlOp.messageColumns, data.arrayValue ?? [])
        }
    }

    /// GoBelieve's history objects as a table.
    static let messageColumns = [
        IMCtlColumn("ID", "id"), IMCtlColumn("CMD", "command"), IMCtlColumn("SENDER", "sender"),
        IMCtlColumn("RECEIVER", "receiver"), IMCtlColumn("TIME", "timestamp", .time),
        IMCtlColumn("CONTENT", "content", .truncated(60)),
    ]
}
