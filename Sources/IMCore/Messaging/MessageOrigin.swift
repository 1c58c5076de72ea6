/// Where a message came from: a client session, or the admin API (device 0, no session).
package struct MessageOrigin: Sendable {
    package var user: UserKey
    package var deviceID: Int64
    package var sessionID: UInt64?

    package init(user: UserKey, deviceID: Int64, sessionID: UInt64?) {
        self.user = user
        self.deviceID = deviceID
        self.sessionID = sessionID
    }

    /// A message the admin API posts on `user`'s behalf: no session sent it, so none of the user's
    /// sessions is skipped, and the client-side checks (friendship, mutes, word filter) do not apply.
    package static func admin(_ user: UserKey) -> MessageOrigin {
        MessageOrigin(user: user, deviceID: 0, sessionID: nil)
    }

    /// Whether the admin API sent it.
    package var isAdmin: Bool { sessionID == nil }

    /// The sender's sessions a copy must skip: the sending device (or, on device 0, the sending
    /// session); none for the admin API.
    package var exclusion: SessionExclusion? {
        isAdmin ? nil : SessionExclusion(user: user, deviceID: deviceID, sessionID: sessionID)
    }
}

/// A message the server refuses before storing it; v2 clients get an ACK with `status`.
package struct MessageRefusal: Error, Sendable, CustomStringConvertible {
    package var status: IMMessageACK.Status
    package var reason: String

    package init(_ status: IMMessageACK.Status, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    package var description: String { "refused (\(status.rawValue)): \(reason)" }
}
