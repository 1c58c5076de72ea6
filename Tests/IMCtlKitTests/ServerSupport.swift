import Foundation
import IMAdminClient
import IMCore
import IMCtlKit
@_exported import IMTestSupport
import Logging
import NIOCore
import Testing

/// An `IMServer` on 127.0.0.1 port 0 with its admin API, in a temporary data directory, run in a
/// `ServiceGroup` and shut down gracefully by `withServer` on every path.
struct CtlServer {
    static let adminToken = "imctl-test-token"
    static let appID: Int64 = 7

    let server: IMServer
    let addresses: IMServerAddresses

    var url: String { "http://127.0.0.1:\(addresses.admin!.port)" }

    /// imctl's connection options for this server, parsed from `extra` (default: the right token).
    func connection(_ extra: [String] = ["--token-file", CtlServer.tokenFilePath]) throws -> IMCtlConnectionOptions {
        try IMCtlConnectionOptions.parse(["--server", url] + extra)
    }

    /// A file holding the admin token (mode 600).
    var tokenFile: String { CtlServer.tokenFilePath }

    static let tokenFilePath: String = {
        let path = NSTemporaryDirectory() + "/imctl-test-token-\(getpid())"
        _ = FileManager.default.createFile(
            atPath: path,
            contents: Data((adminToken + "\n").utf8),
            attributes: [.posixPermissions: 0o600]
        )
        return path
    }()

    /// Runs `operation` as `imctl` would, with output captured.
    func run(
        _ operation: any IMCtlOperation,
        format: IMCtlFormat = .text,
        connection extra: [String]? = nil,
        stdin: String = ""
    ) async throws -> (IMCtlExitCode, IMCtlIO) {
        let io = IMCtlIO.capturing(stdin: stdin)
        let connection = try extra.map { try self.connection($0) } ?? self.connection()
        var output = try IMCtlOutputOptions.parse([])
        output.format = format
        let code = await IMCtlRunner.run(connection: connection, output: output, io: io) { operation }
        return (code, io)
    }

    /// Runs `operation` with `--json` and returns the exit code and the parsed envelope.
    func json(
        _ operation: any IMCtlOperation,
        connection extra: [String]? = nil
    ) async throws -> (IMCtlExitCode, IMJSON) {
        let (code, io) = try await run(operation, format: .json, connection: extra)
        let envelope = try IMJSON(parsing: io.stdout)
        #expect(envelope["ok"]?.boolValue == (code == .ok), "ok must agree with the exit code \(code): \(io.stdout)")
        return (code, envelope)
    }

    /// A logged-in client.
    func client(
        uid: Int64,
        device: String = "device-1",
        platform: IMAuthToken.Platform = .android
    ) async throws
        -> IMClient
    {
        let token = try await IMAdminClient.withClient(
            IMAdminClientConfiguration(server: try IMAdminServerURL(parsing: url), token: CtlServer.adminToken)
        ) { client in
            try await client.data(
                IMAdminRequest(.post, "/auth/token", body: .json(["appid": .int(CtlServer.appID), "uid": .int(uid)]))
            )
        }
        let client = try await IMClient.connect(host: "127.0.0.1", port: addresses.client.port)
        let ok = try await client.authenticate(
            token: try #require(token["token"]?.stringValue),
            deviceID: device,
            platform: platform
        )
        try #require(ok)
        return client
    }
}

/// Runs `body` against a fresh server; always shuts it down gracefully and removes its data.
func withServer<T>(
    configure: (inout IMServerConfiguration) -> Void = { _ in },
    _ body: (CtlServer) async throws -> T
) async throws -> T {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    var configuration = IMServerConfiguration.forTests(dataDirectory: directory.path, adminToken: CtlServer.adminToken)
    configuration.eventLoopThreads = 1
    configure(&configuration)
    return try await withRunningServer(configuration) { server, addresses in
        try await body(CtlServer(server: server, addresses: addresses))
    }
}

/// A socket that listens on 127.0.0.1 but never accepts or answers: connections complete in the kernel
/// backlog, and requests time out.
final class SilentListener: Sendable {
    let fd: Int32
    let port: Int

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

extension IMClient {
    /// The next event that satisfies `predicate`, skipping others; fails after `timeout`.
    func next(
        timeout: Duration = .seconds(30),
        where predicate: @escaping @Sendable (IMClientEvent) -> Bool = { _ in true }
    ) async throws -> IMClientEvent {
        try await withThrowingTaskGroup(of: IMClientEvent?.self) { group in
            group.addTask {
                for await event in self.events where predicate(event) { return event }
                throw IMClientError(.connectionClosed, "the connection closed while waiting for an event")
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let event = try await group.next()! else {
                throw IMClientError(.timeout, "no matching event within \(timeout)")
            }
            return event
        }
    }
}
