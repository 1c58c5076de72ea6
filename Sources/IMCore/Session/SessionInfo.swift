import NIOCore

/// One logged-in connection as the admin API shows it (`GET /users/online`).
package struct SessionInfo: Sendable, Equatable {
    package var sessionID: UInt64
    package var deviceID: Int64
    package var platform: IMAuthToken.Platform
    /// The protocol version of its login frame.
    package var version: UInt8
    /// The client's `ip:port`, nil if the socket no longer has one.
    package var address: String?
    /// Unix seconds of the login.
    package var loggedInAt: Int64
    /// Seconds since the last complete frame from the client.
    package var idleSeconds: Double
    /// Real-time pushes held because the client is not reading.
    package var heldPushes: Int

    /// The platform's name as the SDKs mean it (`ios`, `android`, `web`), or its number.
    package var platformName: String {
        switch platform {
        case .ios: "ios"
        case .android: "android"
        case .web: "web"
        default: "\(platform.rawValue)"
        }
    }
}

extension SessionHandler {
    /// This session now; nil once it is closing. Call on its event loop.
    func info() -> SessionInfo? {
        guard !closed, let identity = machine.identity else { return nil }
        let address = context?.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" }
        return SessionInfo(
            sessionID: sessionID,
            deviceID: identity.deviceID,
            platform: identity.platform,
            version: identity.version,
            address: address,
            loggedInAt: loggedInAt,
            idleSeconds: idleSweeper.map { sweeper in
                let idle = sweeper.idleTime(idleSlot).components
                return Double(idle.seconds) + Double(idle.attoseconds) / 1e18
            } ?? 0,
            heldPushes: heldCopies.count
        )
    }
}
