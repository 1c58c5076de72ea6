/// One connection's protocol state (PROTOCOL.md §2): what each client frame means given whether the
/// connection has logged in, and the reply to a login.
///
/// Pure: it returns what to do and the handler does it, so every rule here is tested without sockets.
package struct SessionStateMachine {
    package enum State: Equatable {
        case unauthenticated
        /// A login is being checked; further logins are ignored until it completes.
        case authenticating(version: UInt8)
        case authenticated(SessionIdentity)
    }

    /// A request from a logged-in client that the server carries out.
    package enum Request: Equatable {
        case peerMessage(IMMessage, seq: Int32, flags: IMMessageFlags)
        case groupMessage(IMMessage, seq: Int32, flags: IMMessageFlags)
        case realtime(IMRealtimeMessage)
        case sync(key: Int64)
        case syncGroup(groupID: Int64, key: Int64)
        case syncKey(Int64)
        case groupSyncKey(groupID: Int64, key: Int64)
        case unreadCount(Int32)
        case enterRoom(Int64)
        case leaveRoom(Int64)
        case roomMessage(IMRealtimeMessage, seq: Int32)
        case customerMessage(IMCustomerMessage, seq: Int32, flags: IMMessageFlags)
    }

    package enum Action: Equatable {
        /// Send this frame (a PONG, or a refusal ACK).
        case reply(OutboundFrameKind)
        /// Check this login; report with `authenticated(_:)` or `authenticationFailed()`.
        case authenticate(IMAuthToken)
        case serve(Request, SessionIdentity)
        /// Nothing to do (client ACKs, METADATA, PONG, deprecated commands, anything before login).
        case ignore
    }

    /// The replies the machine itself decides on.
    package enum OutboundFrameKind: Equatable {
        case pong
        /// `MSG_ACK{seq, status}` for a refused message (only to v2+ clients: older ones have no status).
        case refusal(seq: Int32, status: IMMessageACK.Status)
    }

    package private(set) var state: State = .unauthenticated
    /// Whether a sync's page is being read: real-time copies that arrive meanwhile are held and go out
    /// after its END, so BEGIN … messages … END of one sync stay together and come first.
    package private(set) var isSyncing = false

    package init() {}

    /// The version frames to this client are encoded in: the login frame's, once logged in; 0 before
    /// (GoBelieve sends a failed login's status with version 0).
    package var version: UInt8 {
        if case .authenticated(let identity) = state { return identity.version }
        return 0
    }

    /// Whether a login or a sync is being answered: the connection's next frames wait until it is.
    package var isAnswering: Bool {
        if case .authenticating = state { return true }
        return isSyncing
    }

    package var identity: SessionIdentity? {
        if case .authenticated(let identity) = state { return identity }
        return nil
    }

    /// What to do with a decoded client frame.
    package mutating func received(
        _ request: IMClientRequest,
        seq: Int32,
        version: UInt8,
        flags: IMMessageFlags
    )
        -> Action
    {
        switch request {
        case .ping:
            return .reply(.pong)
        case .authenticate(let token):
            guard case .unauthenticated = state else { return .ignore }
            state = .authenticating(version: version)
            return .authenticate(token)
        default:
            break
        }
        // Before login nothing else is served (GoBelieve relays an unauthenticated RT; we do not).
        guard case .authenticated(let identity) = state else { return .ignore }
        switch request {
        case .ping, .authenticate, .pong, .ack, .metadata, .deprecated:
            return .ignore
        case .peerMessage(let message):
            guard message.sender == identity.uid else { return refusal(seq: seq, .serverError, identity) }
            return .serve(.peerMessage(message, seq: seq, flags: flags), identity)
        case .groupMessage(let message):
            guard message.sender == identity.uid else { return refusal(seq: seq, .serverError, identity) }
            return .serve(.groupMessage(message, seq: seq, flags: flags), identity)
        case .customerMessage(let message):
            guard message.sender == identity.uid, message.senderAppID == identity.appID else {
                return refusal(seq: seq, .serverError, identity)
            }
            return .serve(.customerMessage(message, seq: seq, flags: flags), identity)
        case .realtime(let message):
            guard message.sender == identity.uid else { return .ignore }
            return .serve(.realtime(message), identity)
        case .roomMessage(let message):
            guard message.sender == identity.uid else { return refusal(seq: seq, .serverError, identity) }
            return .serve(.roomMessage(message, seq: seq), identity)
        case .enterRoom(let room): return room == 0 ? .ignore : .serve(.enterRoom(room), identity)
        case .leaveRoom(let room): return .serve(.leaveRoom(room), identity)
        case .sync(let key): return .serve(.sync(key: key), identity)
        case .syncGroup(let group, let key): return .serve(.syncGroup(groupID: group, key: key), identity)
        case .syncKey(let key): return key > 0 ? .serve(.syncKey(key), identity) : .ignore
        case .groupSyncKey(let group, let key):
            return key > 0 ? .serve(.groupSyncKey(groupID: group, key: key), identity) : .ignore
        case .unreadCount(let count): return .serve(.unreadCount(count), identity)
        }
    }

    /// The login succeeded: from now on frames are encoded in the login frame's version.
    package mutating func authenticated(_ identity: SessionIdentity) {
        guard case .authenticating(let version) = state, version == identity.version else {
            preconditionFailure("authenticated(_:) in state \(state)")
        }
        state = .authenticated(identity)
    }

    /// The version the pending login was made in.
    package var loginVersion: UInt8? {
        if case .authenticating(let version) = state { return version }
        return nil
    }

    /// The login failed: the connection stays open and may retry.
    package mutating func authenticationFailed() {
        guard case .authenticating = state else { preconditionFailure("authenticationFailed() in state \(state)") }
        state = .unauthenticated
    }

    /// A sync is being read from now on. The handler reads no further frame until `finishSync()`, so
    /// one sync is answered at a time.
    package mutating func beginSync() {
        precondition(!isSyncing, "beginSync() while a sync is being read")
        isSyncing = true
    }

    /// The sync being read has been answered (or ignored): copies held meanwhile may go.
    package mutating func finishSync() {
        precondition(isSyncing, "finishSync() with no sync being read")
        isSyncing = false
    }

    private func refusal(seq: Int32, _ status: IMMessageACK.Status, _ identity: SessionIdentity) -> Action {
        identity.version >= 2 ? .reply(.refusal(seq: seq, status: status)) : .ignore
    }
}
