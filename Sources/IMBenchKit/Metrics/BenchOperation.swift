/// An operation whose latency imbench measures, each in its own histogram.
package enum BenchOperation: String, Sendable, CaseIterable, Codable, Comparable {
    /// TCP connect: from the connect call to the connection being up.
    case connect
    /// Login: from `MSG_AUTH_TOKEN` written to `MSG_AUTH_STATUS` read.
    case auth
    /// From a message's intended send time to its ACK.
    case ack
    /// From a message's intended send time to its real-time push at a recipient.
    case delivery
    /// One recipient's complete sync (connect, login, every page).
    case sync
    /// PING to PONG on an idle connection.
    case ping
    /// Group and room messages: from the intended send time to the first recipient's push.
    case firstDelivery = "first_delivery"
    /// Group and room messages: from the intended send time to the last recipient's push (of those that
    /// got one).
    case lastDelivery = "last_delivery"
    /// Open loop: from a message's intended send time to when the generator sent it (the generator's own
    /// lag; up to one tick is expected, see `SendLateness`).
    case sendLag = "send_lag"

    package static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
