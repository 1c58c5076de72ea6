import NIOCore
import ServiceLifecycle

/// The embedded `RouteBus`: every session is in this process, in `sessions` and `rooms`.
///
/// Delivery takes the registry's lock once per delivery, builds each recipient's copy once (recipients
/// told about the same entry in a row share it), writes the copies for its own loop's sessions after the lock,
/// and hands the others through one mailbox per loop (a task per loop for all the copies posted to it
/// meanwhile, not per copy).
package final class LocalBus: RouteBus {
    /// This server's logged-in sessions.
    package let sessions = SessionRegistry()
    /// This server's chat rooms.
    package let rooms = RoomRegistry()
    /// Copies on their way to sessions, by the sessions' loops.
    private let copies: LoopMailboxes<(SessionEntry, MessageCopy)>

    /// A bus for the sessions of `eventLoopGroup`'s loops.
    package init(eventLoopGroup: any EventLoopGroup) {
        copies = LoopMailboxes(eventLoopGroup)
    }

    /// Until graceful shutdown or cancellation; then closes every session of this server and waits (at
    /// most 5 s) until they are gone, so that nothing is delivered to a session after its server stopped.
    package func run() async throws {
        try? await gracefulShutdown()
        let all = sessions.allSessions()
        for (_, session) in all { session.close(reason: "server shutting down") }
        await withTaskGroup(of: Void.self) { waiting in
            waiting.addTask { await self.sessions.waitUntilEmpty() }
            waiting.addTask { try? await Task.sleep(for: .seconds(5)) }
            await waiting.next()
            waiting.cancelAll()
        }
    }

    package func register(_ session: SessionEntry, as user: UserKey, limit: Int) -> [SessionEntry] {
        sessions.register(user, session, limit: limit)
    }

    package func unregister(_ user: UserKey, sessionID: UInt64) {
        sessions.unregister(user, id: sessionID)
    }

    package func deliver(_ delivery: Delivery) {
        // Recipients told about the same entry (a super group's members, one user's devices) share one copy.
        var last: (entry: Int, copy: MessageCopy)?
        // The registry's lock only picks: copies for this loop's sessions are written after it.
        var here: [(NIOLoopBound<SessionHandler>, MessageCopy)] = []
        sessions.withSessions(ofEach: delivery.recipients.lazy.map(\.user)) { index, sessions in
            let recipient = delivery.recipients[index]
            for session in sessions where !(delivery.exclusion?.excludes(session, of: recipient.user) ?? false) {
                let copy =
                    last.flatMap { $0.entry == recipient.entry ? $0.copy : nil }
                    ?? Self.copy(of: delivery.content, entry: recipient.entry)
                last = (recipient.entry, copy)
                if session.eventLoop.inEventLoop {
                    here.append((session.handler, copy))
                } else {
                    post(copy, to: session)
                }
            }
        }
        for (handler, copy) in here { handler.value.deliver(copy) }
    }

    /// Hands `copy` to `session`: at once on this loop, otherwise through its loop's mailbox. Not under the
    /// registry's lock (`deliver` only posts there, and writes this loop's copies after it).
    private func hand(_ copy: MessageCopy, to session: SessionEntry) {
        if session.eventLoop.inEventLoop {
            session.handler.value.deliver(copy)
        } else {
            post(copy, to: session)
        }
    }

    /// Hands `copy` to `session` through its loop's mailbox.
    private func post(_ copy: MessageCopy, to session: SessionEntry) {
        copies.post((session, copy), to: session.eventLoop) { $0.0.handler.value.deliver($0.1) }
    }

    /// The copy of `content` for the recipients told about entry `entry`.
    static func copy(of content: Delivery.Content, entry: Int) -> MessageCopy {
        switch content {
        case .stored(let frame, let entries, let realtime): .stored(frame, entry: entries[entry], realtime: realtime)
        case .transient(let frame): MessageCopy(frame)
        }
    }

    package func presence(of users: [UserKey], completion: @escaping @Sendable ([Presence]) -> Void) {
        completion(users.map(sessions.presence))
    }

    @discardableResult
    package func enter(_ room: RoomKey, _ member: RoomMember) -> UInt64? {
        rooms.enter(room, member)
    }

    package func leave(_ room: RoomKey, sessionID: UInt64) {
        rooms.leave(room, sessionID: sessionID)
    }

    @discardableResult
    package func relay(_ frame: OutboundFrame, toRoom room: RoomKey, except exclusion: SendingSession?) -> Int {
        let copy = MessageCopy(frame)
        let user = { (uid: Int64) in UserKey(appID: room.appID, uid: uid) }
        var relayed = 0
        for member in rooms.members(of: room) where exclusion?.excludes(member.session, of: user(member.uid)) != true {
            hand(copy, to: member.session)
            relayed += 1
        }
        return relayed
    }

    package func sessions(of user: UserKey) async -> [SessionInfo] {
        var infos: [SessionInfo] = []
        for session in sessions.sessions(of: user) {
            let handler = session.handler
            if let info = try? await handler.eventLoop.submit({ handler.value.info() }).get() {
                infos.append(info)
            }
        }
        return infos
    }

    package func otherNodes(of users: [UserKey]) async throws -> [UserKey: [String]] { [:] }

    package func onlineUsers(appID: Int64, limit: Int) async -> [Int64] {
        Array(sessions.onlineUsers(appID: appID).prefix(limit))
    }

    package func kick(_ user: UserKey, deviceID: Int64?, reason: String) async -> Int {
        let kicked = sessions.sessions(of: user).filter { deviceID == nil || $0.deviceID == deviceID }
        for session in kicked { session.close(reason: reason) }
        return kicked.count
    }
}
