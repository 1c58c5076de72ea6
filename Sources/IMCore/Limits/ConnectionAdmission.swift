import NIOCore
import Synchronization

/// Whether a new client connection may stay: `max_connections` over every listener and
/// `max_connections_per_ip` per remote address. Asked by each listener as a connection is accepted,
/// before its pipeline is built, so a refused connection costs a socket and a close.
final class ConnectionAdmission: Sendable {
    enum Decision: Equatable {
        /// Admitted: call `release(_:)` with `address` when the connection closes.
        case admitted(address: String?)
        case refused(RefusalCause, String)
    }

    let maxConnections: Int
    let maxPerAddress: Int
    private let open = Atomic<Int>(0)
    /// Open connections per address; kept only with a per-address limit.
    private let perAddress = TracedMutex<[String: Int]>([:])

    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    /// Counts a new connection from `remote` in, or refuses it (then nothing is counted).
    func admit(_ remote: SocketAddress?) -> Decision {
        let total = open.wrappingAdd(1, ordering: .relaxed).newValue
        if maxConnections > 0, total > maxConnections {
            open.wrappingSubtract(1, ordering: .relaxed)
            return .refused(.maxConnections, "\(maxConnections) connections are open (max_connections)")
        }
        guard maxPerAddress > 0 else { return .admitted(address: nil) }
        let address = remote?.ipAddress ?? "?"
        let admitted = perAddress.withLock { counts in
            let count = counts[address, default: 0]
            guard count < maxPerAddress else { return false }
            counts[address] = count + 1
            return true
        }
        if admitted { return .admitted(address: address) }
        open.wrappingSubtract(1, ordering: .relaxed)
        return .refused(.perIP, "\(maxPerAddress) connections are open from \(address) (max_connections_per_ip)")
    }

    /// An admitted connection closed.
    func release(_ address: String?) {
        open.wrappingSubtract(1, ordering: .relaxed)
        guard let address else { return }
        perAddress.withLock { counts in
            let count = (counts[address] ?? 1) - 1
            counts[address] = count > 0 ? count : nil
        }
    }

    /// Connections admitted and not yet closed.
    var openConnections: Int { open.load(ordering: .relaxed) }
}
