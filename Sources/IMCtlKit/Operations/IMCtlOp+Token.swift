import IMAdminClient

extension IMCtlOp {
    /// `token issue`: a login token for a user (`POST /auth/token`). Text output is the token alone.
    package struct TokenIssue: IMCtlOperation {
        package static let command = "token issue"
        package static let fields = ["appid", "uid", "ttl"]
        package var appid: Int64
        package var uid: Int64
        /// Seconds; nil: until revoked.
        package var ttl: IMCtlSeconds?

        package init(appid: Int64, uid: Int64, ttl: IMCtlSeconds? = nil) {
            self.appid = appid
            self.uid = uid
            self.ttl = ttl
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.TokenIssue.self, .init(appid: appid, uid: uid, ttl: ttl?.seconds))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .value(data["token"]?.stringValue ?? data.encoded())
        }
    }

    /// `token revoke`: revokes an issued token (`DELETE /auth/token`); its sessions stay until kicked.
    package struct TokenRevoke: IMCtlOperation {
        package static let command = "token revoke"
        package static let fields = ["token"]
        package var token: String

        package init(token: String) {
            self.token = token
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.TokenRevoke.self, .init(token: token))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            data["revoked"]?.boolValue == true
                ? .message("revoked the token (sessions logged in with it stay until kicked: imctl user kick)")
                : .message("no such token: never issued, already revoked or expired")
        }
    }
}
