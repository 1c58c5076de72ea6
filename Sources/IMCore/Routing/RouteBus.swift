import ServiceLifecycle

/// The port through which messages reach sessions: this server's, and in a cluster every other
/// server's.
///
/// Adapters: `LocalBus` (embedded: the sessions of this process) and, for a cluster, `PostgresBus`
/// (presence table + notifications per server). Correctness never depends on the bus: a copy
/// it loses is repaired by the client's next sync from its last key.
///
/// A `Service`: on graceful shutdown it closes this server's sessions and waits (briefly) until they are
/// gone. Delivery, presence and rooms are called on the message path (any thread, never blocking); the
/// calls the admin API makes about users on any server are `async`.
package protocol RouteBus: Service {
    // MARK: This server's sessions

    /// A session logged in as `user`; returns the sessions to close (the oldest) when the user now has
    /// more than `limit` (> 0).
    func register(_ session: SessionEntry, as user: UserKey, limit: Int) -> [SessionEntry]
    /// The session closed (no-op if it was not registered).
    func unregister(_ user: UserKey, sessionID: UInt64)

    // MARK: Delivery

    /// Sends each recipient's copy to its sessions, wherever they are, except `delivery.exclusion`.
    func deliver(_ delivery: Delivery)
    /// What kind of sessions each of `users` has, on any server (for the offline push decision);
    /// `completion` gets them in `users`' order, at once or after a read.
    func presence(of users: [UserKey], completion: @escaping @Sendable ([Presence]) -> Void)

    // MARK: Rooms (PROTOCOL.md §6.1)

    /// The session enters `room`; returns the session of the same `(uid, device > 0)` it replaced.
    @discardableResult
    func enter(_ room: RoomKey, _ member: RoomMember) -> UInt64?
    /// The session leaves `room` (no-op if it is not there).
    func leave(_ room: RoomKey, sessionID: UInt64)
    /// Sends `frame` to every session in `room` except `exclusion`; returns how many on this server.
    @discardableResult
    func relay(_ frame: OutboundFrame, toRoom room: RoomKey, except exclusion: SendingSession?) -> Int

    // MARK: Users on any server (admin)

    /// The user's sessions on this server, oldest login first.
    func sessions(of user: UserKey) async -> [SessionInfo]
    /// The other servers (node ids) where each of `users` has sessions; empty without a cluster.
    func otherNodes(of users: [UserKey]) async throws -> [UserKey: [String]]
    /// The uids of `appID` with a session, ascending, at most `limit`.
    func onlineUsers(appID: Int64, limit: Int) async -> [Int64]
    /// Closes every session of `user`, or those of one device; returns how many.
    func kick(_ user: UserKey, deviceID: Int64?, reason: String) async -> Int
}

/// What kind of sessions a user has, for the offline push decision (PROTOCOL.md §2.1 step 6).
package enum Presence: Sendable, Equatable {
    /// No session.
    case offline
    /// A session on a mobile platform (iOS, Android): always online.
    case mobile
    /// Sessions on other platforms only (web, desktop): online unless the user asked for pushes while
    /// on the desktop (`notification_on`).
    case otherPlatforms
}
