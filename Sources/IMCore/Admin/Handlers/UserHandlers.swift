import IMAdminAPI

/// Users' connections and speak-forbidden flag.
enum UserHandlers {
    /// `GET /users/online`: the users named, in that order, or (no `uid`) the app's online users by uid.
    static func online(_ admin: AdminContext, _ request: IMAdmin.OnlineQuery) async throws -> [IMOnlineUser] {
        guard request.appid > 0 else { throw AdminError.badField("appid", "must be positive") }
        let limit = request.limit ?? 1000
        guard (1...100_000).contains(limit) else { throw AdminError.badField("limit", "must be in 1...100000") }
        var uids = request.uids
        if uids.isEmpty {
            uids = await admin.core.bus.onlineUsers(appID: request.appid, limit: Int(limit))
        } else if uids.count > 100_000 {
            throw AdminError.badField("uid", "at most 100000 users per request")
        }
        // Online on any node; the sessions listed are this node's, then (unless `local`) other nodes'.
        let keys = uids.map { UserKey(appID: request.appid, uid: $0) }
        let presence = await withCheckedContinuation { continuation in
            admin.core.bus.presence(of: keys) { continuation.resume(returning: $0) }
        }
        let elsewhere = zip(keys, presence).filter { $0.1 != .offline }.map(\.0)
        let remote = request.local ? [:] : await RemoteSessions.of(elsewhere, appID: request.appid, admin)
        let node = admin.core.configuration.nodeID
        var users: [IMOnlineUser] = []
        users.reserveCapacity(uids.count)
        for (user, presence) in zip(keys, presence) {
            let sessions = await admin.core.bus.sessions(of: user)
            let preferences = try await directoryCall { try await admin.core.directory.preferences(user) }
            users.append(
                IMOnlineUser(
                    uid: user.uid,
                    online: !sessions.isEmpty || presence != .offline,
                    forbidden: preferences.forbidden,
                    sessions: sessions.map { session($0, node: node) } + (remote[user.uid] ?? [])
                )
            )
        }
        return users
    }

    /// `POST /users/kick`: closes the user's sessions, or one device's.
    static func kick(_ admin: AdminContext, _ request: IMAdmin.Kick) async throws -> IMAdmin.Kicked {
        let user = try validUser(appID: request.appid, uid: request.uid)
        if let device = request.deviceID, device < 0 {
            throw AdminError.badField("device_id", "must not be negative")
        }
        let kicked = await admin.core.bus.kick(user, deviceID: request.deviceID, reason: "kicked through the admin API")
        admin.core.logger.info(
            "kicked \(kicked) sessions of \(user)",
            metadata: ["device_id": "\(request.deviceID.map(String.init) ?? "all")"]
        )
        return IMAdmin.Kicked(kicked: kicked)
    }

    /// `POST /users/mute`.
    static func mute(_ admin: AdminContext, _ request: IMAdmin.User) async throws -> IMAdmin.Forbidden {
        try await setForbidden(true, admin, request)
    }

    /// `POST /users/unmute`.
    static func unmute(_ admin: AdminContext, _ request: IMAdmin.User) async throws -> IMAdmin.Forbidden {
        try await setForbidden(false, admin, request)
    }

    /// Sets the user's `forbidden` preference (read when the user sends), durably.
    private static func setForbidden(
        _ forbidden: Bool,
        _ admin: AdminContext,
        _ request: IMAdmin.User
    ) async throws -> IMAdmin.Forbidden {
        let user = try validUser(appID: request.appid, uid: request.uid)
        var preferences = try await directoryCall { try await admin.core.directory.preferences(user) }
        let changed = preferences.forbidden != forbidden
        if changed {
            preferences.forbidden = forbidden
            do {
                try await admin.core.directory.setPreferences(user, preferences)
            } catch {
                throw AdminError(.internalServerError, "storing the preference failed: \(error)")
            }
            admin.core.logger.info("\(forbidden ? "muted" : "unmuted") \(user)")
        }
        return IMAdmin.Forbidden(forbidden: forbidden, changed: changed)
    }

    private static func validUser(appID: Int64, uid: Int64) throws -> UserKey {
        guard appID > 0 else { throw AdminError.badField("appid", "must be positive") }
        guard uid > 0 else { throw AdminError.badField("uid", "must be positive") }
        return UserKey(appID: appID, uid: uid)
    }

    private static func session(_ session: SessionInfo, node: String) -> IMOnlineUser.Session {
        IMOnlineUser.Session(
            sessionID: session.sessionID,
            deviceID: session.deviceID,
            platform: session.platformName,
            version: Int(session.version),
            address: session.address,
            loggedInAt: session.loggedInAt,
            idleSeconds: (session.idleSeconds * 1000).rounded() / 1000,
            heldPushes: session.heldPushes,
            node: node
        )
    }
}
