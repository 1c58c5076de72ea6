import Foundation
import IMCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

@Suite("Admin API: store, config, log level")
struct AdminServerStateTests {
    @Test func storeStatsMatchTheSummaryAndSnapshotWritesTheIndex() async throws {
        try await withTestServer { server in
            let (posted, _) = try await server.adminText(
                "POST",
                "/post_peer_message?appid=7&sender=1&receiver=2",
                body: "hello"
            )
            #expect(posted == 200)
            let (status, stats) = try await server.admin("GET", "/store/stats")
            #expect(status == 200)
            let data = try #require(stats["data"] as? [String: Any])
            #expect(data["messages"] as? Int == 1)
            #expect(data["entries"] as? Int == 2)
            #expect(data["fsync_policy"] as? String == "none")
            let before = data["snapshots"] as? Int ?? -1
            let (_, summary) = try await server.admin("GET", "/summary")
            #expect((summary["store"] as? [String: Any])?["last_id"] as? Int == data["last_id"] as? Int)

            let snapshotFile = server.dataDirectory + "/messages/index.snapshot"
            try? FileManager.default.removeItem(atPath: snapshotFile)
            let (written, snapshot) = try await server.admin("POST", "/store/snapshot")
            #expect(written == 200)
            let report = try #require(snapshot["data"] as? [String: Any])
            #expect(report["last_id"] as? Int == data["last_id"] as? Int)
            #expect(report["queues"] as? Int == 2)
            #expect(report["messages"] as? Int == 1)
            let size = report["bytes"] as? Int ?? 0
            #expect(size > 0)
            let onDisk = (try FileManager.default.attributesOfItem(atPath: snapshotFile)[.size] as? Int) ?? -1
            #expect(onDisk == size)
            let (_, afterStats) = try await server.admin("GET", "/store/stats")
            #expect((afterStats["data"] as? [String: Any])?["snapshots"] as? Int == before + 1)
        }
    }

    @Test func concurrentSnapshotsAllSucceed() async throws {
        try await withTestServer { server in
            _ = try await server.adminText("POST", "/post_peer_message?appid=7&sender=1&receiver=2", body: "x")
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await server.admin("POST", "/store/snapshot").0 } }
                for try await status in group { #expect(status == 200) }
            }
        }
    }

    @Test func configIsShownWithSecretsRedacted() async throws {
        let secret = "jwt-secret-that-must-not-leak"
        try await withTestServer(configure: {
            $0.jwtSecret = secret
            $0.nodeID = "node-under-test"
        }) { server in
            let (status, text) = try await server.adminText("GET", "/config")
            #expect(status == 200)
            #expect(!text.contains(secret))
            #expect(!text.contains(TestServer.adminToken))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let data = try #require(json["data"] as? [String: Any])
            #expect(data["admin_token"] as? String == "<redacted>")
            #expect(data["jwt_secret"] as? String == "<redacted>")
            #expect(data["data_dir"] as? String == server.dataDirectory)
            #expect(data["node_id"] as? String == "node-under-test")
            #expect(data["listen"] as? String == "127.0.0.1:0")
            #expect(data["threads"] as? Int == 2)
            #expect(data["log_level"] as? String == "warning")
            let storage = try #require(data["storage"] as? [String: Any])
            #expect(storage["fsync"] as? String == "none")
            #expect(storage["segment_size"] as? Int == 4 << 20)
            #expect(storage["fsync_interval"] as? Double == 1)
            let session = try #require(data["session"] as? [String: Any])
            #expect(session["idle_timeout"] as? Double == 360)
            #expect(session["sync_limit"] as? Int == 3000)
        }
        try await withTestServer(configure: { $0.admin.token = nil }) { server in
            let (_, body) = try await server.admin("GET", "/config", token: nil)
            let data = try #require(body["data"] as? [String: Any])
            #expect(data["admin_token"] is NSNull)
            #expect(data["jwt_secret"] is NSNull)
        }
    }

    @Test func logLevelChangesWhatTheServerLogs() async throws {
        let lines = CapturedLines()
        try await withTestServer(configure: { configuration in
            configuration.logger = Logger(label: "im") { _ in CapturingLogHandler(lines: lines) }
            configuration.logger.logLevel = .info
        }) { server in
            let (status, level) = try await server.admin("GET", "/log-level")
            #expect(status == 200)
            #expect(level["data"] as? [String: String] == ["level": "info"])

            // A kicked session logs its closing at debug: not written at info ...
            let first = try await server.client(uid: 5)
            _ = try await server.admin("POST", "/users/kick", json: ["appid": 7, "uid": 5])
            try await first.waitUntilClosed()
            #expect(lines.contains("kicked 1 sessions"))
            #expect(!lines.contains("closing tcp session"))

            let (changed, body) = try await server.admin("PUT", "/log-level", json: ["level": "debug"])
            #expect(changed == 200)
            #expect(body["data"] as? [String: String] == ["level": "debug", "previous": "info"])
            #expect(server.server.logLevel == .debug)
            #expect(lines.contains("log level changed from info to debug"))

            // ... and written at debug, by the loggers the server made at start.
            let second = try await server.client(uid: 5)
            _ = try await server.admin("POST", "/users/kick", json: ["appid": 7, "uid": 5])
            try await second.waitUntilClosed()
            try await lines.wait(for: "closing tcp session")

            server.server.setLogLevel(.error)
            let (_, now) = try await server.admin("GET", "/log-level")
            #expect(now["data"] as? [String: String] == ["level": "error"])

            let (bad, error) = try await server.admin("PUT", "/log-level", json: ["level": "loud"])
            #expect(bad == 400)
            #expect(((error["meta"] as? [String: Any])?["message"] as? String)?.hasPrefix("level") == true)
        }
    }
}

/// Log lines written by the server, awaitable.
final class CapturedLines: Sendable {
    private struct State {
        var lines: [String] = []
        var waiters: [(text: String, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = NIOLockedValueBox(State())

    func append(_ line: String) {
        let ready = state.withLockedValue { s in
            s.lines.append(line)
            let ready = s.waiters.filter { line.contains($0.text) }
            s.waiters.removeAll { line.contains($0.text) }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    func contains(_ text: String) -> Bool { state.withLockedValue { $0.lines.contains { $0.contains(text) } } }

    /// Waits until a line contains `text` (one already written counts); fails after 60 s.
    func wait(for text: String) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let found = self.state.withLockedValue { s in
                        if s.lines.contains(where: { $0.contains(text) }) { return true }
                        s.waiters.append((text, continuation))
                        return false
                    }
                    if found { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return false
            }
            let found = try await group.next()!
            group.cancelAll()
            if !found {
                Issue.record("no log line with \"\(text)\" within 60 s")
                // Release the waiter so the group can finish.
                append(text)
            }
        }
    }
}

struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message)")
    }
}
