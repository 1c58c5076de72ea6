import AsyncHTTPClient
import Foundation
import IMCore
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// `imd` as a child process: started on port 0, its addresses read from its log.
final class DaemonProcess {
    static let adminToken = "crash-test-admin-token"

    let process = ChildProcess()
    let clientPort: Int
    let adminPort: Int
    /// The other listeners' ports, by name (`tls`, `ws`, `wss`, `replication`), when enabled.
    let ports: [String: Int]
    private let stderr: Pipe
    /// Everything imd logged so far.
    private let log = NIOLockedValueBox("")

    static var executablePath: String { builtExecutable("imd") }

    /// Starts imd and waits (without holding a thread) until it logs its listening addresses.
    init(dataDirectory: String, fsync: String = "batch", arguments: [String] = []) async throws {
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        process.arguments =
            [
                "--data-dir", dataDirectory, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                "--admin-token", Self.adminToken, "--fsync", fsync, "--log-level", "info",
                // The clients are this test process's, which a loaded two-core CI machine running every
                // suite at once can stall for more than imd's 10 s between connect and login (seen in two
                // fresh-clone runs); the deadline itself is tested in process, in ClientLimitsTests.
                "--login-timeout", "120s",
            ] + arguments
        stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Keep draining the log so imd never blocks on a full pipe, and keep it for `waitForLog`.
        let log = self.log
        let lines = chunks(of: stderr.fileHandleForReading)
        Task {
            for await chunk in lines { log.withLockedValue { $0 += String(decoding: chunk, as: UTF8.self) } }
        }
        let pattern = #"listening client=[^ ]*:(\d+) admin=[^ ]*:(\d+)[^\n]*\n"#
        let deadline = ContinuousClock.now + .seconds(60)
        var found: (text: String, range: Range<String.Index>)?
        while found == nil {
            let text = log.withLockedValue { $0 }
            if let range = text.range(of: pattern, options: .regularExpression) {
                found = (text, range)
            } else if !process.isRunning || ContinuousClock.now >= deadline {
                process.terminate()
                throw IMClientError(.unexpectedReply, "imd did not report its addresses; its log:\n\(text)")
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let (text, range) = found!
        let line = text[range].prefix { $0 != "\n" }
        let numbers = line.matches(of: /:(\d+)/).map { Int($0.1)! }
        clientPort = numbers[0]
        adminPort = numbers[1]
        ports = Dictionary(
            uniqueKeysWithValues: line.matches(of: /\s(tls|ws|wss|replication)=\S*:(\d+)/).map { (String($0.1), Int($0.2)!) }
        )
    }

    /// A test that failed before stopping imd must not leave it running: it would hold the test run's
    /// output open, and the run would never end.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits until imd has logged a line containing `text`.
    func waitForLog(_ text: String) async throws {
        let log = self.log
        do {
            try await eventually("imd to log \"\(text)\"") { log.withLockedValue { $0.contains(text) } }
        } catch {
            throw IMClientError(.timeout, "\(error); its log:\n\(log.withLockedValue { $0 })")
        }
    }

    /// Whether imd has logged a line containing `text` so far.
    func hasLogged(_ text: String) -> Bool {
        log.withLockedValue { $0.contains(text) }
    }

    /// Sends `signal` to imd.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// An admin API call; returns the status and the JSON body.
    func admin(_ method: String, _ path: String, body: String? = nil) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(adminPort)\(path)")
        request.method = .RAW(value: method)
        request.headers.add(name: "Authorization", value: "Bearer \(Self.adminToken)")
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    func token(uid: Int64) async throws -> String {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(adminPort)/auth/token")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(Self.adminToken)")
        request.body = .bytes(ByteBuffer(string: #"{"appid":7,"uid":\#(uid)}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return try #require((json?["data"] as? [String: Any])?["token"] as? String)
    }

    /// A client logged in as `uid` (on `transport` at `port`, default the TCP listener); when that fails,
    /// the error says why with the end of imd's log. The token is fetched first: imd closes a connection
    /// that has not logged in within its login timeout.
    func client(uid: Int64, transport: IMClientTransport = .tcp, port: Int? = nil) async throws -> IMClient {
        let token = try await token(uid: uid)
        do {
            let client = try await IMClient.connect(host: "127.0.0.1", port: port ?? clientPort, transport: transport)
            guard try await client.authenticate(token: token, deviceID: "device-\(uid)") else {
                throw IMClientError(.unexpectedReply, "login refused")
            }
            return client
        } catch {
            let tail = log.withLockedValue { $0.split(separator: "\n").suffix(20).joined(separator: "\n") }
            throw IMClientError(.unexpectedReply, "uid \(uid) could not log in: \(error); imd's log ends:\n\(tail)")
        }
    }

    func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        await process.waitForExit()
    }

    func terminate() async -> Int32 {
        process.terminate()
        await process.waitForExit()
        return process.terminationStatus
    }
}

extension String {
    fileprivate func contains(_ other: String, after marker: String) -> Bool {
        guard let range = range(of: marker) else { return false }
        return self[range.upperBound...].contains(other)
    }
}

@Suite("imd process")
struct DaemonCrashTests {
    @Test(arguments: ["batch", "interval"])
    func everyACKedMessageSurvivesKill9(fsync: String) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await killUnderLoadAndRestart(
            start: { try await DaemonProcess(dataDirectory: directory.path, fsync: fsync) },
            restart: { try await DaemonProcess(dataDirectory: directory.path, fsync: fsync) }
        )
    }

    /// On PostgreSQL the restarted imd gets an empty data directory: the messages, the tokens and the
    /// device ids it serves all come from the database.
    @Test(.enabled(if: TestPostgres.enabled))
    func everyACKedMessageOnPostgresSurvivesKill9() async throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        defer {
            first.remove()
            second.remove()
        }
        try await TestPostgres.withDatabase { url in
            try await killUnderLoadAndRestart(
                start: { try await DaemonProcess(dataDirectory: first.path, arguments: ["--postgres", url]) },
                restart: { try await DaemonProcess(dataDirectory: second.path, arguments: ["--postgres", url]) }
            )
        }
    }

    /// Four senders send to uid 100 with up to 20 messages in flight each; the daemon is killed while they
    /// are sending, right after some ACKs. The restarted daemon must have every ACKed message.
    private func killUnderLoadAndRestart(
        start: () async throws -> DaemonProcess,
        restart: () async throws -> DaemonProcess
    ) async throws {
        let daemon = try await start()
        var senders: [(Int64, IMClient)] = []
        for uid in Int64(1)...4 { senders.append((uid, try await daemon.client(uid: uid))) }
        let acked = LockedCollection()
        let sending = sendUntilFailure(senders, inFlight: 20, into: acked) { uid, client, text in
            try await client.send(peerMessage(uid, 100, text)).status == .success
        }
        try await eventually("2,000 messages ACKed") { acked.count >= 2_000 }
        await daemon.kill9()
        _ = await sending.result
        let ackedBeforeKill = acked.snapshot()

        let restarted = try await restart()
        let receiver = try await restarted.client(uid: 100)
        let (messages, _) = try await receiver.syncAll(from: 0)
        let stored = Set(messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) })
        let lost = ackedBeforeKill.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(ackedBeforeKill.count) ACKed messages were lost")
        #expect(stored.count >= ackedBeforeKill.count)
        #expect(await restarted.terminate() == 0, "SIGTERM shuts down gracefully")
    }
}

/// Each of `senders` sends numbered texts `uid-n`, `inFlight` at a time, until a send throws (the server
/// went away); the texts ACKed with status 0 go into `acked`.
func sendUntilFailure(
    _ senders: [(Int64, IMClient)],
    inFlight: Int,
    into acked: LockedCollection,
    send: @escaping @Sendable (Int64, IMClient, String) async throws -> Bool
) -> Task<Void, any Error> {
    Task {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (uid, client) in senders {
                group.addTask {
                    for batch in 0..<1000 {
                        try await withThrowingTaskGroup(of: Void.self) { window in
                            for index in 0..<inFlight {
                                let text = "\(uid)-\(batch * inFlight + index)"
                                window.addTask { if try await send(uid, client, text) { acked.append(text) } }
                            }
                            try await window.waitForAll()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// A thread-safe list of strings for the test's ACK bookkeeping.
final class LockedCollection: Sendable {
    private let items = NIOLockedValueBox<[String]>([])

    func append(_ item: String) { items.withLockedValue { $0.append(item) } }
    var count: Int { items.withLockedValue { $0.count } }
    func snapshot() -> [String] { items.withLockedValue { $0 } }
}
