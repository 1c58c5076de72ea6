import Foundation
import IMCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client that sends without reading what it is sent meets back-pressure: the server stops reading
/// its socket instead of queueing replies without limit, and answers everything once the client reads.
@Suite("Back-pressure over real sockets")
struct BackPressureTests {
    @Test func aClientFloodingPingsWithoutReadingIsStoppedByItsOwnBuffersAndLosesNothing() async throws {
        try await withTestServer { server in
            let socket = try NonBlockingSocket(port: server.addresses.client.port)
            defer { socket.close() }
            let ping: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 1, 13, 2, 0, 0]  // PING, no body
            let chunk = [UInt8]((0..<5_000).flatMap { _ in ping })
            // Write until the kernel takes no more: the server stopped reading. Without back-pressure it
            // reads on, queues 64 MiB of PONGs and closes the connection as a slow consumer.
            var written = 0
            var stalled = ContinuousClock.now
            while ContinuousClock.now - stalled < .seconds(2), written < 200 << 20 {
                let count = socket.write(chunk)
                if count > 0 {
                    written += count
                    stalled = ContinuousClock.now
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(written < 48 << 20, "\(written) bytes of PINGs were taken without a PONG being read")
            let (_, summary) = try await server.admin("GET", "/summary")
            #expect(summary["slow_consumer_closed_count"] as? Int == 0)
            #expect(summary["connection_count"] as? Int == 1)
            // Now read: every PING is answered, in the end.
            let expected = written / ping.count * ping.count
            // Until they are all in, or none came for 60 s (a sanitizer build answers 20 times slower, so
            // a bound on the whole would only measure the machine).
            var received = 0
            var lastProgress = ContinuousClock.now
            while received < expected, ContinuousClock.now - lastProgress < .seconds(60) {
                let count = socket.read(max: 1 << 20)
                if count > 0 {
                    received += count
                    lastProgress = ContinuousClock.now
                } else {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            #expect(received == expected, "\(received) of \(expected) bytes of PONGs")
        }
    }
}

/// A non-blocking TCP socket to 127.0.0.1, for writing and reading raw bytes at a chosen pace.
private final class NonBlockingSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Bytes written (0 when the kernel takes none now).
    func write(_ bytes: [UInt8]) -> Int {
        let count = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return max(count, 0)
    }

    /// Bytes read and dropped (0 when none are there now).
    func read(max: Int) -> Int {
        var buffer = [UInt8](repeating: 0, count: max)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return Swift.max(count, 0)
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
