import Foundation

/// A TCP port on 127.0.0.1 that refuses connections for the rest of the test process: bound and never
/// listened on, never closed. A port bound and released at once could be handed by the kernel to a server
/// another suite starts on port 0 meanwhile (an imtop test once found a live admin API at its "down" node).
package func closedPort() -> Int {
    boundPort().port
}

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server that must listen on an address known
/// before it starts (a primary restarted on the same address). Released at once: another server may take
/// it meanwhile, which `closedPort()` prevents and this cannot.
package func freePort() -> Int {
    let (fd, port) = boundPort()
    close(fd)
    return port
}

private func boundPort() -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
        }
    }
    precondition(bound, "cannot bind a port on 127.0.0.1: errno \(errno)")
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
