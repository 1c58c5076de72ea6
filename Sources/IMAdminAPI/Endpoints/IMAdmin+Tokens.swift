extension IMAdmin {
    /// `POST /auth/token {"appid","uid"[,"ttl"]}` → `{"data":{"token"}}`: a login token (PROTOCOL.md §2),
    /// stored hashed; `ttl` seconds, none: until revoked.
    public enum TokenIssue: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = TokenRequest
        public typealias Reply = IMDataReply<IssuedToken>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/auth/token"
    }

    /// `DELETE /auth/token {"token"}` → `{"data":{"revoked":bool}}`; sessions logged in with it stay.
    public enum TokenRevoke: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = TokenRevocation
        public typealias Reply = IMDataReply<RevokedToken>
        public static let methods: [IMAdminMethod] = [.delete]
        public static let path = "/auth/token"
    }

    /// `POST /auth/token`'s body.
    public struct TokenRequest: IMAdminJSONParameters, Equatable {
        public var appid: Int64
        public var uid: Int64
        /// Seconds the token is valid; nil: until revoked.
        public var ttl: Int64?

        public init(appid: Int64, uid: Int64, ttl: Int64? = nil) {
            self.appid = appid
            self.uid = uid
            self.ttl = ttl
        }
    }

    /// `POST /auth/token`'s data.
    public struct IssuedToken: Codable, Sendable, Equatable {
        public var token: String

        public init(token: String) {
            self.token = token
        }
    }

    /// `DELETE /auth/token`'s body.
    public struct TokenRevocation: IMAdminJSONParameters, Equatable {
        public var token: String

        public init(token: String) {
            self.token = token
        }
    }

    /// `DELETE /auth/token`'s data: false when the token was never issued, revoked or expired.
    public struct RevokedToken: Codable, Sendable, Equatable {
        public var revoked: Bool

        public init(revoked: Bool) {
            self.revoked = revoked
        }
    }
}
