import IMAdminAPI

/// Login tokens (PROTOCOL.md §2): issued hashed into the directory, revocable.
enum TokenHandlers {
    /// `POST /auth/token`.
    static func issue(_ admin: AdminContext, _ request: IMAdmin.TokenRequest) async throws -> IMAdmin.IssuedToken {
        guard request.appid > 0 else { throw AdminError.badField("appid", "must be positive") }
        guard request.uid > 0 else { throw AdminError.badField("uid", "must be positive") }
        if let ttl = request.ttl, ttl <= 0 {
            throw AdminError.badField("ttl", "must be a positive number of seconds")
        }
        let token = try await admin.core.directory.issueToken(
            appID: request.appid,
            uid: request.uid,
            ttl: request.ttl,
            now: admin.core.now()
        )
        return IMAdmin.IssuedToken(token: token)
    }

    /// `DELETE /auth/token`.
    static func revoke(
        _ admin: AdminContext,
        _ request: IMAdmin.TokenRevocation
    ) async throws -> IMAdmin.RevokedToken {
        guard !request.token.isEmpty else { throw AdminError.badField("token", "must not be empty") }
        return IMAdmin.RevokedToken(revoked: try await admin.core.directory.revokeToken(request.token))
    }
}
