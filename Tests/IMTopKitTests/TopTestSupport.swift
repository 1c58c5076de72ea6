import AsyncHTTPClient
import Foundation
import IMCore
import IMTopKit
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// An `IMServer` on 127.0.0.1 port 0 (admin API on port 0 too) in a temporary directory, shut down
/// gracefully by `withServer` on every path.
struct TopTestServer {
    static let adminToken = "imtop-test-admin-token"

    let addresses: IMServerAddresses
    var adminURL: String { "http://127.0.0.1:\(addresses.admin!.port)" }

    /// A client logged in as `uid` in `appID`.
    func client(uid: Int64, appID: Int64 = 7, device: String = "d") async throws -> IMClient {
        var request = HTTPClientRequest(url: adminURL + "/auth/token")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(Self.adminToken)")
        request.body = .bytes(ByteBuffer(string: #"{"appid":\#(appID),"uid":\#(uid)}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        let token = try #require((json?["data"] as? [String: Any])?["token"] as? String)
        let client = try await IMClient.connect(host: "127.0.0.1", port: addresses.client.port)
        try #require(try await client.authenticate(token: token, deviceID: device))
        return client
    }
}

func withServer<T>(nodeID: String = "node-a", _ body: (TopTestServer) async throws -> T) async throws -> T {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    var configuration = IMServerConfiguration(dataDirectory: directory.path)
    configuration.clientAddress = .init(host: "127.0.0.1", port: 0)
    configuration.admin.address = .init(host: "127.0.0.1", port: 0)
    configuration.admin.token = TopTestServer.adminToken
    configuration.storage.fsync = .none
    configuration.eventLoopThreads = 1
    configuration.nodeID = nodeID
    configuration.logger.logLevel = .warning
    let server = try IMServer(configuration: configuration)
    let group = ServiceGroup(services: [server], logger: configuration.logger)
    let running = Task { try await group.run() }
    let addresses: IMServerAddresses
    do {
        addresses = try await server.waitUntilListening()
    } catch {
        running.cancel()
        _ = await running.result
        throw error
    }
    let result: Result<T, any Error>
    do {
        result = .success(try await body(TopTestServer(addresses: addresses)))
    } catch {
        result = .failure(error)
    }
    await group.triggerGracefulShutdown()
    try await running.value
    return try result.get()
}

/// A fresh directory under the system temp dir.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/imtop-test-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// The path of an executable built with the tests (they land in the same build directory).
func builtExecutable(_ name: String) -> String {
    let fromProc = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
    let bases = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        URL(fileURLWithPath: fromProc).deletingLastPathComponent(),
    ]
    for base in bases {
        for directory in [
            base, base.deletingLastPathComponent(), base.deletingLastPathComponent().deletingLastPathComponent(),
        ] {
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
    }
    return bases[1].appendingPathComponent(name).path
}

/// What a finished child process printed and returned.
struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs an executable to its end (killed after `timeout`), collecting its output.
func runProcess(
    _ path: String,
    _ arguments: [String],
    environment: [String: String]? = nil,
    timeout: Duration = .seconds(60)
) async throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let exited = AsyncStream<Int32>.makeStream()
    process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
    try process.run()
    // Read on threads of their own: a blocking read on the concurrency pool would starve the in-process
    // server the child is talking to.
    let stdout = readToEnd(out.fileHandleForReading)
    let stderr = readToEnd(err.fileHandleForReading)
    let status = try await withThrowingTaskGroup(of: Int32?.self) { group in
        group.addTask {
            for await status in exited.stream { return status }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let status = first else {
            process.terminate()
            throw ProcessTimeout(command: ([path] + arguments).joined(separator: " "))
        }
        return status
    }
    return ProcessOutput(
        status: status,
        stdout: String(decoding: await stdout.value, as: UTF8.self),
        stderr: String(decoding: await stderr.value, as: UTF8.self)
    )
}

/// Everything `handle` gives until its end, read on a thread of its own.
func readToEnd(_ handle: FileHandle) -> Task<Data, Never> {
    let (stream, continuation) = AsyncStream<Data>.makeStream()
    Thread {
        continuation.yield(handle.readDataToEndOfFile())
        continuation.finish()
    }.start()
    return Task {
        var data = Data()
        for await chunk in stream { data.append(chunk) }
        return data
    }
}

struct ProcessTimeout: Error, CustomStringConvertible {
    var command: String
    var description: String { "\(command) did not finish in time" }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &address) { pointer in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else {
                throw ProcessTimeout(command: "bind")
            }
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A /summary as a node reports it, for model tests: counters and gauges by field.
func summary(
    node: String = "n1",
    startedAt: Double = 1_000,
    uptime: Double = 100,
    _ values: [SummaryField: Double] = [:],
    apps: [Int64: NodeSummary.AppCounts]? = nil
) -> NodeSummary {
    var all = values
    all[.startedAt] = startedAt
    all[.uptimeSeconds] = uptime
    if let average = all[.storeAverageFsyncMicroseconds], let count = all[.storeFsyncs] {
        all[.storeFsyncMicroseconds] = average * count
    }
    return NodeSummary(nodeID: node, version: "0.1.0", values: all, apps: apps ?? [:], reportsApps: apps != nil)
}

/// One poll at `time` with one result per (server, summary or failure).
func poll(_ time: Double, _ results: [(String, NodeSummary?)]) -> Poll {
    Poll(
        time: time,
        results: results.map { server, summary in
            NodeResult(
                server: server,
                time: time,
                outcome: summary.map { .summary($0, raw: Data()) }
                    ?? .failure(NodeFailure(.unreachable, "connection refused"))
            )
        }
    )
}

/// A peer message from `sender` to `receiver` with text content.
func peerMessage(_ sender: Int64, _ receiver: Int64, _ text: String, msgID: Int32 = 1) -> IMMessage {
    IMMessage(sender: sender, receiver: receiver, msgID: msgID, content: ByteBuffer(string: text))
}

extension IMClient {
    /// Waits for `count` frames with `command`.
    func collect(_ count: Int, _ command: IMCommand) async throws {
        var seen = 0
        for await event in events where event.frame.command == command {
            seen += 1
            if seen == count { return }
        }
        throw IMClientError(.connectionClosed, "closed after \(seen) of \(count) \(command) frames")
    }
}
