/// One simulated client: who it logs in as and what it does once logged in.
struct ConnectionSpec: Sendable {
    /// What a connection does after login.
    enum Role: Sendable {
        /// Logs in and holds the connection (pings when the scenario asks).
        case idle
        /// Sends numbered messages to `receiver` under the run's load model.
        case sender(receiver: Int64)
    }

    var index: Int
    var user: BenchUser
    var deviceID: String
    var role: Role
    /// The senders whose every ACKed message this connection must receive (by push, or by the final sync).
    var expects: [Int64]
}

/// A user the run logs in as.
public struct BenchUser: Sendable, Equatable {
    public var uid: Int64
    public var token: String

    public init(uid: Int64, token: String) {
        self.uid = uid
        self.token = token
    }
}

/// How senders pace their messages.
public enum LoadModel: Sendable, Equatable, CustomStringConvertible {
    /// Closed loop: each sender keeps `window` messages un-ACKed (GoBelieve's benchmark with window 1).
    case closed(window: Int)
    /// Open loop: `rate` messages per second in all, spread evenly over the senders; latency is measured
    /// from each message's intended send time.
    case open(rate: Double)

    public var description: String {
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
