import NIOCore

extension SessionHandler {
    /// Checks a login (PROTOCOL.md §2): the token, then the device's numeric id; both may answer later (a
    /// remote directory), and the machine ignores further logins until this one is decided.
    func authenticate(_ token: IMAuthToken) {
        guard machine.loginVersion != nil, let loop else { return }
        if let address = remoteIP, server.loginFailures.isBlocked(address, now: server.now()) {
            server.refusals.refuse(
                .loginFailuresPerIP,
                "\(peer): \(server.loginFailures.limit) failed logins from \(address) this minute (max_login_failures_per_ip)"
            )
            close(reason: "too many failed logins from its address")
            return
        }
        let directory = server.directory
        server.authenticator.authenticate(token.token, now: server.now()) { result in
            switch result {
            case .failure(let failure):
                loop.run { $0.loginFailed(failure) }
            case .success(let user):
                directory.deviceID(for: token.deviceID, platform: token.platform.rawValue) { device in
                    loop.run { handler in
                        switch device {
                        case .success(let deviceID): handler.loggedIn(user, deviceID: deviceID, platform: token.platform)
                        case .failure(let error): handler.loginFailed(.unavailable("\(error)"))
                        }
                    }
                }
            }
        }
    }

    private func loginFailed(_ failure: Authenticator.Failure) {
        guard !closed else { return }
        machine.authenticationFailed()
        server.counters.loginsFailed.add()
        logger.info("login failed from \(peer): \(failure)")
        send(.raw(.authStatus, IMScalarBody.int32(1)))
        scheduleFlush()
        if let address = remoteIP { server.loginFailures.recordFailure(address, now: server.now()) }
        loginFailureCount += 1
        let limit = server.configuration.limits.maxLoginFailures
        if limit > 0, loginFailureCount >= limit {
            server.refusals.refuse(.loginFailures, "\(peer): \(limit) failed logins (max_login_failures)")
            close(reason: "\(limit) failed logins")
            return
        }
        readFrames()
    }

    private func loggedIn(_ user: UserKey, deviceID: Int64, platform: IMAuthToken.Platform) {
        guard !closed, let version = machine.loginVersion, let loopBound else { return }
        let identity = SessionIdentity(user: user, deviceID: deviceID, platform: platform, version: version)
        machine.authenticated(identity)
        server.counters.loginsSucceeded.add()
        idleSweeper?.loginEnded(loginSlot)
        loginSlot = -1
        send(.raw(.authStatus, IMScalarBody.int32(0)))
        scheduleFlush()
        server.directory.setUnreadCount(user, 0)
        registeredAs = identity.user
        loggedInAt = server.now()
        let session = SessionEntry(id: sessionID, deviceID: deviceID, platform: platform, handler: loopBound)
        let evicted = server.bus.register(session, as: user, limit: server.configuration.session.maxConnectionsPerUser)
        for old in evicted {
            let handler = old.handler
            handler.eventLoop.execute {
                handler.value.registeredAs = nil
                handler.value.close(reason: "the user's connection limit was exceeded; closing the oldest")
            }
        }
        readFrames()
    }
}
