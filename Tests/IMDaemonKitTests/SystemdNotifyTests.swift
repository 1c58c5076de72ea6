import Foundation
import IMDaemonKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// imd's side of systemd's `Type=notify`: READY=1 once it listens, STOPPING=1 when SIGTERM arrives, sent
/// to the unix datagram socket named by `NOTIFY_SOCKET`, as systemd would bind it.
@Suite("systemd notification")
struct SystemdNotifyTests {
    @Test func readyOnceListeningAndStoppingOnSIGTERM() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let socket = try DatagramSocket(path: directory.file("notify"))
        let imd = ChildProcess()
        imd.executableURL = URL(fileURLWithPath: builtExecutable("imd"))
        imd.arguments = [
            "--data-dir", directory.file("data"), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
            "--fsync", "none",
        ]
        imd.environment = ["PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": socket.path]
        imd.standardOutput = FileHandle.nullDevice
        imd.standardError = FileHandle.nullDevice
        try imd.run()
        defer { if imd.isRunning { kill(imd.processIdentifier, SIGKILL) } }

        let ready = try await socket.receive(timeout: .seconds(120))
        let fields = Self.fields(ready)
        #expect(fields["READY"] == "1", "\(ready)")
        #expect(fields["MAINPID"] == "\(imd.processIdentifier)")
        // READY comes after the listeners are bound: the ports it names take connections at once.
        let status = try #require(fields["STATUS"])
        let ports = status.matches(of: /(client|admin)=127\.0\.0\.1:(\d+)/).map { Int($0.2)! }
        #expect(ports.count == 2, "\(status)")
        for port in ports { #expect(Self.connects(port: port), "port \(port) from \(status)") }

        kill(imd.processIdentifier, SIGTERM)
        let stopping = try await socket.receive(timeout: .seconds(60))
        #expect(Self.fields(stopping)["STOPPING"] == "1", "\(stopping)")
        let deadline = ContinuousClock.now + .seconds(120)
        while imd.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try #require(!imd.isRunning, "imd did not exit within two minutes of SIGTERM")
        #expect(imd.terminationStatus == 0)
    }

    @Test func abstractSocketsAndBadAddresses() async throws {
        let name = "@swift-im-notify-test-\(getpid())"
        let socket = try DatagramSocket(path: name)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]))
        try notifier.notify("READY=1\nSTATUS=test")
        #expect(try await socket.receive(timeout: .seconds(10)) == "READY=1\nSTATUS=test")

        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        let relative = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "notify.sock"]))
        #expect(throws: SystemdNotifierError.self) { try relative.notify("READY=1") }
        let nobody = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify"]))
        do {
            try nobody.notify("READY=1")
            Issue.record("sent to a socket that does not exist")
        } catch {
            #expect(error.description.hasPrefix("NOTIFY_SOCKET /nonexistent/notify: sendto: "))
        }
    }

    /// `KEY=value` lines.
    static func fields(_ message: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in message.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    static func connects(port: Int) -> Bool {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A bound unix datagram socket, as systemd's notify socket: a path, or `@name` (abstract namespace).
final class DatagramSocket: Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if path.hasPrefix("@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0 else {
            throw SocketTestError("cannot bind \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
        if !path.hasPrefix("@") { unlink(path) }
    }

    /// The next datagram, waiting at most `timeout` (polling, so no thread of the pool is blocked).
    func receive(timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count >= 0 { return String(decoding: buffer.prefix(count), as: UTF8.self) }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw SocketTestError("recv on \(path): \(String(cString: strerror(errno)))")
            }
            guard ContinuousClock.now < deadline else { throw SocketTestError("nothing on \(path) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

struct SocketTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
