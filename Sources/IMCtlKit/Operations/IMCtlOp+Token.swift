import IMAdminClient

extension IMCtlOp {
    /// `token issue`: a login token for a user (`POST /auth/token`). Text output is the token alone.
    public struct TokenIssue: IMCtlOperation {
        public static let command = "token issue"
        public static let fields = ["appid", "uid", "ttl"]
        public var appid: Int64
        public var uid: Int64
        /// Seconds; nil: until revoked.
        public var ttl: IMCtlSeconds?

        public init(appid: Int64, uid: Int64, ttl: IMCtlSeconds? = nil) {
            self.appid = appid
            self.uid = uid
            self.ttl = ttl
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.TokenIssue.self, .init(appid: appid, uid: uid, ttl: ttl?.seconds))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .value(data["token"]?.stringValue ?? data.encoded())
        }
    }

    /// `token revoke`: revokes an issued token (`DELETE /auth/token`); its sessions stay until kicked.
    public struct TokenRevoke: IMCtlOperation {
        public static let command = "token revoke"
        public static let fields = ["token"]
        public var token: String

        public init(token: String) {
            self.token = token
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.TokenRevoke.self, .init(token: token))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            data["revoked"]?.boolValue == true
                ? .message("revoked the token (sessions logged in with it stay until kicked: imctl user kick)")
                : .message("no such token: never issued, already revoked or expired")
        }
    }
}
