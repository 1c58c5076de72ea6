import Hummingbird

extension AdminAPI {
    private struct IssueRequest: Decodable {
        var appid: Int64
        var uid: Int64
        var ttl: Int64?
    }

    private struct RevokeRequest: Decodable {
        var token: String
    }

    /// `POST /auth/token {"appid","uid"[,"ttl"]}` → `{"data":{"token"}}` (PROTOCOL §2);
    /// `DELETE /auth/token {"token"}` revokes → `{"data":{"revoked":bool}}`.
    static func addTokenRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        router.post("/auth/token") { request, _ in
            let body = try await AdminJSON.decode(IssueRequest.self, from: request)
            guard body.appid > 0 else { throw AdminError.badField("appid", "must be positive") }
            guard body.uid > 0 else { throw AdminError.badField("uid", "must be positive") }
            if let ttl = body.ttl, ttl <= 0 { throw AdminError.badField("ttl", "must be a positive number of seconds") }
            let token = try await core.directory.issueToken(
                appID: body.appid,
                uid: body.uid,
                ttl: body.ttl,
                now: core.now()
            )
            return AdminJSON.data(["token": token])
        }
        router.delete("/auth/token") { request, _ in
            let body = try await AdminJSON.decode(RevokeRequest.self, from: request)
            guard !body.token.isEmpty else { throw AdminError.badField("token", "must not be empty") }
            let revoked = try await core.directory.revokeToken(body.token)
            return AdminJSON.data(["revoked": revoked])
        }
    }
}
