/// Where a message came from: a client session, or the admin API (no session).
package struct MessageOrigin: Sendable {
    package var user: UserKey
    /// The sending session; nil when the admin API posted the message.
    package var session: SendingSession?

    /// A message a client session sent.
    package init(session: SendingSession) {
        self.user = session.user
        self.session = session
    }

    private init(admin user: UserKey) {
        self.user = user
        self.session = nil
    }

    /// A message the admin API posts on `user`'s behalf: no session sent it, so none of the user's
    /// sessions is skipped, and the client-side checks (friendship, mutes, word filter) do not apply.
    package static func admin(_ user: UserKey) -> MessageOrigin {
        MessageOrigin(admin: user)
    }

    /// Whether the admin API sent it.
    package var isAdmin: Bool { session == nil }

    /// The sending device (0 for the admin API and web sessions).
    package var deviceID: Int64 { session?.deviceID ?? 0 }
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
