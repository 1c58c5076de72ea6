import IMCore
/// One simulated client: who it logs in as and what it does once logged in.
struct ConnectionSpec: Sendable {
    /// What a connection does after login.
    enum Role: Sendable {
        /// Logs in and holds the connection (pings when the scenario asks).
        case idle
        /// Sends numbered messages to `receiver` under the run's load model.
        case sender(receiver: Int64)
        /// Sends numbered `MSG_GROUP_IM`s to group `group`.
        case groupSender(group: Int64)
        /// Sends numbered `MSG_ROOM_IM`s to its room.
        case roomSender

        /// Whether the connection sends.
        var sends: Bool {
            if case .idle = self { return false }
            return true
        }
    }

    var index: Int
    var user: BenchUser
    var deviceID: String
    var role: Role
    /// The senders whose every ACKed message this connection must receive (by push, or by the final sync).
    var expects: [Int64]
    /// The chat room the connection enters after login (before it counts as ready).
    var room: Int64? = nil
    /// For the final sync: the super group whose queue holds the messages (nil: the personal queue).
    var superGroup: Int64? = nil
    /// The node it connects to (`NodePlacement`); nil: the run's target.
    var node: IMServerConfiguration.Endpoint? = nil
}

extension ConnectionSpec {
    /// Sender→receiver pairs over `users` (uid `users[2p]` sends to `users[2p+1]`): the senders, and the
    /// receivers that expect them, with the connection indexes the scenario gives pair `p`.
    static func pairs(
        of users: [BenchUser],
        senderIndex: (Int) -> Int,
        receiverIndex: (Int) -> Int
    ) -> (senders: [ConnectionSpec], receivers: [ConnectionSpec]) {
        var senders: [ConnectionSpec] = []
        var receivers: [ConnectionSpec] = []
        for pair in 0..<users.count / 2 {
            let sender = users[2 * pair]
            let receiver = users[2 * pair + 1]
            senders.append(
                ConnectionSpec(
                    index: senderIndex(pair),
                    user: sender,
                    deviceID: "imbench-\(sender.uid)",
                    role: .sender(receiver: receiver.uid),
                    expects: []
                )
            )
            receivers.append(
                ConnectionSpec(
                    index: receiverIndex(pair),
                    user: receiver,
                    deviceID: "imbench-\(receiver.uid)",
                    role: .idle,
                    expects: [sender.uid]
                )
            )
        }
        return (senders, receivers)
    }
}

/// A user the run logs in as.
package struct BenchUser: Sendable, Equatable {
    package var uid: Int64
    package var token: String

    package init(uid: Int64, token: String) {
        self.uid = uid
        self.token = token
    }
}

/// How senders pace their messages.
package enum LoadModel: Sendable, Equatable, CustomStringConvertible {
    /// Closed loop: each sender keeps `window` messages un-ACKed (GoBelieve's benchmark with window 1).
    case closed(window: Int)
    /// Open loop: `rate` messages per second in all, spread evenly over the senders; latency is measured
    /// from each message's intended send time.
    case open(rate: Double)

    package var description: String {
        switch self {
        case .closed(let window): "closed loop, window \(window) per sender"
        case .open(let rate): "open loop, \(Int(rate)) msg/s"
        }
    }
}

/// The clock every latency is measured with: monotonic nanoseconds.
enum BenchClock {
    @inline(__always)
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
