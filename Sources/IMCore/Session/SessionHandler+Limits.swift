import NIOCore

/// The client limits a session enforces itself (`IMServerConfiguration.Limits`): the login deadline and
/// the message rate. Failed logins are counted where a login fails (`SessionHandler+Login`).
extension SessionHandler {
    /// The client's IP address, for the per-address limits.
    var remoteIP: String? { context?.channel.remoteAddress?.ipAddress }

    /// Called by the idle sweeper once `login_timeout` has passed since the session started. A login
    /// being checked now gets its answer first (the sweeper asks again at its next sweep).
    func closeLoginTimeout() {
        guard !closed, machine.identity == nil, machine.loginVersion == nil else { return }
        server.refusals.refuse(.loginTimeout, "\(peer): no login within \(server.configuration.limits.loginTimeout)")
        close(reason: "no login within the login timeout")
    }

    /// Whether a logged-in client's request may be served under `max_messages_per_second`; when not, it
    /// has been refused: a v2 client's message with ACK 67 (a real-time message, which has no ACK, is
    /// dropped), and a v0/v1 client, which cannot be told, is disconnected.
    func admitByRate(_ request: SessionStateMachine.Request, _ identity: SessionIdentity) -> Bool {
        let seq: Int32?
        switch request {
        case .peerMessage(_, let number, _), .groupMessage(_, let number, _), .customerMessage(_, let number, _),
            .roomMessage(_, let number):
            seq = number
        case .realtime:
            seq = nil
        default:
            return true
        }
        if rateLimiter!.admit() { return true }
        let limit = server.configuration.limits.maxMessagesPerSecond
        server.refusals.refuse(.rateLimited, "\(peer): more than \(limit) messages/s (max_messages_per_second)")
        if identity.version < 2 {
            close(reason: "more than \(limit) messages/s")
        } else if let seq {
            server.counters.refusedMessages.add()
            send(.ack(seq: seq, status: .rateLimited))
        }
        return false
    }
}
