/// What one message's recipients get: the value that crosses a `RouteBus`.
///
/// Small by design, so that a bus between servers can carry it: the recipients, the stored entries
/// (queue, key, previous key) they are told about, and the frame. A remote bus sends only the entries'
/// keys and the frame's flags, and the receiving server reads the message from the store; the frame's
/// bytes travel only for what is not stored (`transient`: real-time messages, notifications).
package struct Delivery: Sendable {
    /// What every recipient's sessions are sent.
    package enum Content: Sendable {
        /// A stored message: each recipient's sessions get `MessageCopy.stored(frame, its entry, realtime)`.
        case stored(OutboundFrame, entries: [QueueEntry], realtime: Bool)
        /// Nothing stored: the frame as it is.
        case transient(OutboundFrame)
    }

    /// One recipient: a user's sessions, and the index (in `entries`) of the entry they are told about.
    package struct Recipient: Sendable {
        package var user: UserKey
        package var entry: Int

        package init(_ user: UserKey, entry: Int = 0) {
            self.user = user
            self.entry = entry
        }
    }

    package var content: Content
    package var recipients: [Recipient]
    /// The sending session's own copies to skip (the sender's other devices still get theirs).
    package var exclusion: SendingSession?

    package init(_ content: Content, to recipients: [Recipient], except exclusion: SendingSession? = nil) {
        self.content = content
        self.recipients = recipients
        self.exclusion = exclusion
    }
}

/// The session a message came from. A delivery skips the sender's copies on the sending device (reference
/// §3), or, for device 0 (web: many tabs share it), on the sending connection only.
package struct SendingSession: Sendable {
    package var user: UserKey
    package var deviceID: Int64
    package var sessionID: UInt64?

    package init(user: UserKey, deviceID: Int64, sessionID: UInt64?) {
        self.user = user
        self.deviceID = deviceID
        self.sessionID = sessionID
    }

    /// Whether `session`, one of `user`'s, is skipped.
    func excludes(_ session: SessionEntry, of user: UserKey) -> Bool {
        guard user == self.user else { return false }
        if deviceID == 0 { return sessionID == nil || session.id == sessionID }
        return session.deviceID == deviceID
    }
}
