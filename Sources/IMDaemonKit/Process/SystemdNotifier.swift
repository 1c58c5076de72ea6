#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// systemd's readiness protocol (`sd_notify(3)`) without libsystemd: a datagram of `KEY=value` lines
/// sent to the unix socket named by `NOTIFY_SOCKET`.
///
/// A unit with `Type=notify` counts the service as started when `READY=1` arrives, so `systemctl start`
/// returns, and units ordered after it start, only once imd listens; `STOPPING=1` tells it a stop is
/// under way. Outside systemd (`NOTIFY_SOCKET` unset) there is no notifier and nothing is sent.
package struct SystemdNotifier: Sendable {
    /// The socket as `NOTIFY_SOCKET` names it: an absolute path, or `@name` in the abstract namespace.
    package let notifySocket: String

    /// The notifier for `NOTIFY_SOCKET` in `environment`; nil when it is unset or empty.
    package init?(environment: [String: String]) {
        guard let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty else { return nil }
        self.notifySocket = socket
    }

    /// Sends `state` (`"READY=1\nSTATUS=..."`) in one datagram.
    ///
    /// - Throws: `SystemdNotifierError` naming the socket when the address is not one systemd uses or the
    ///   datagram cannot be sent; imd logs it and runs on, as a failed `sd_notify` does not stop a service.
    package func notify(_ state: String) throws(SystemdNotifierError) {
        var address = try socketAddress()
        let descriptor = socket(AF_UNIX, Self.datagramType, 0)
        guard descriptor >= 0 else { throw failure("socket") }
        defer { close(descriptor) }
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, Self.sendFlags, socketAddress, address.length)
            }
        }
        guard sent == bytes.count else { throw failure("sendto") }
    }

    /// `sockaddr_un` for the path, or for `@name` (a leading NUL, and a length that stops at the name's end).
    private func socketAddress() throws(SystemdNotifierError) -> (storage: sockaddr_un, length: socklen_t) {
        let abstract = notifySocket.hasPrefix("@")
        guard abstract || notifySocket.hasPrefix("/") else {
            throw SystemdNotifierError("NOTIFY_SOCKET: expected an absolute path or @name, got \"\(notifySocket)\"")
        }
        var path = Array(notifySocket.utf8)
        if abstract { path[0] = 0 }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard path.count < capacity else {
            throw SystemdNotifierError("NOTIFY_SOCKET: \"\(notifySocket)\" is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { buffer in buffer.copyBytes(from: path) }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        // A path is NUL-terminated (the buffer is zeroed); an abstract name is exactly its bytes.
        let length = pathOffset + path.count + (abstract ? 0 : 1)
        return (storage, socklen_t(length))
    }

    #if os(Linux)
    private static let datagramType = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    /// A socket whose reader went away must not kill imd with SIGPIPE.
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    private static let datagramType = SOCK_DGRAM
    private static let sendFlags: Int32 = 0
    #endif

    private func failure(_ call: String) -> SystemdNotifierError {
        SystemdNotifierError("NOTIFY_SOCKET \(notifySocket): \(call): \(String(cString: strerror(errno)))")
    }
}

/// Why a notification to systemd was not sent.
package struct SystemdNotifierError: Error, CustomStringConvertible, Sendable {
    package var description: String

    init(_ description: String) { self.description = description }
}
