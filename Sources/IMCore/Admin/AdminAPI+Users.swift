import Hummingbird

extension AdminAPI {
    private struct KickRequest: Decodable {
        var appid: Int64
        var uid: Int64
        var device_id: Int64?
    }

    private struct UserRequest: Decodable {
        var appid: Int64
        var uid: Int64
    }

    /// Users' connections and speak-forbidden flag:
    /// - `GET /users/online?appid=A[&uid=U[,U...]][&limit=N]` → `{"data":[{"uid","online","forbidden",
    ///   "sessions":[...]}]}`: the users named, in that order, or (no `uid`) the app's online users by
    ///   uid, at most `limit` (default 1000).
    /// - `POST /users/kick {"appid","uid"[,"device_id"]}` closes the user's sessions (or one device's) →
    ///   `{"data":{"kicked":N}}`. The client may log in again: revoke its token to keep it out.
    /// - `POST /users/mute` / `POST /users/unmute {"appid","uid"}` set the user's `forbidden` preference
    ///   (speak-forbidden, read when the user sends) → `{"data":{"forbidden":bool,"changed":bool}}`.
    static func addUserRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        router.get("/users/online") { request, _ in
            let appID = try request.int("appid")
            guard appID > 0 else { throw AdminError.badField("appid", "must be positive") }
            let limit = try request.optionalInt("limit") ?? 1000
            guard (1...100_000).contains(limit) else { throw AdminError.badField("limit", "must be in 1...100000") }
            var uids = try request.intList("uid")
            if uids.isEmpty {
                uids = await core.bus.onlineUsers(appID: appID, limit: Int(limit))
            } else if uids.count > 100_000 {
                throw AdminError.badField("uid", "at most 100000 users per request")
            }
            var users: [[String: Any]] = []
            for uid in uids {
                let user = UserKey(appID: appID, uid: uid)
                let sessions = await core.bus.sessions(of: user)
                let preferences = try await directoryCall { try await core.directory.preferences(user) }
                users.append([
                    "uid": uid,
                    "online": !sessions.isEmpty,
                    "forbidden": preferences.forbidden,
                    "sessions": sessions.map(sessionObject),
                ])
            }
            return AdminJSON.data(users)
        }

        router.post("/users/kick") { request, _ in
            let body = try await AdminJSON.decode(KickRequest.self, from: request)
            let user = try validUser(appID: body.appid, uid: body.uid)
            if let device = body.device_id, device < 0 {
                throw AdminError.badField("device_id", "must not be negative")
            }
            let kicked = await core.bus.kick(user, deviceID: body.device_id, reason: "kicked through the admin API")
            core.logger.info(
                "kicked \(kicked) sessions of \(user)",
                metadata: ["device_id": "\(body.device_id.map(String.init) ?? "all")"]
            )
            return AdminJSON.data(["kicked": kicked])
        }

        for (path, forbidden) in [("/users/mute", true), ("/users/unmute", false)] {
            router.post(RouterPath(path)) { request, _ in
                let body = try await AdminJSON.decode(UserRequest.self, from: request)
                let user = try validUser(appID: body.appid, uid: body.uid)
                var preferences = try await directoryCall { try await core.directory.preferences(user) }
                let changed = preferences.forbidden != forbidden
                if changed {
                    preferences.forbidden = forbidden
                    do {
                        try await core.directory.setPreferences(user, preferences)
                    } catch {
                        throw AdminError(.internalServerError, "storing the preference failed: \(error)")
                    }
                    core.logger.info("\(forbidden ? "muted" : "unmuted") \(user)")
                }
                return AdminJSON.data(["forbidden": forbidden, "changed": changed])
            }
        }
    }

    private static func validUser(appID: Int64, uid: Int64) throws -> UserKey {
        guard appID > 0 else { throw AdminError.badField("appid", "must be positive") }
        guard uid > 0 else { throw AdminError.badField("uid", "must be positive") }
        return UserKey(appID: appID, uid: uid)
    }

    private static func sessionObject(_ session: SessionInfo) -> [String: Any] {
        var object: [String: Any] = [
            "session_id": session.sessionID,
            "device_id": session.deviceID,
            "platform": session.platformName,
            "version": Int(session.version),
            "logged_in_at": session.loggedInAt,
            "idle_seconds": (session.idleSeconds * 1000).rounded() / 1000,
            "held_pushes": session.heldPushes,
        ]
        if let address = session.address { object["address"] = address }
        return object
    }
}
