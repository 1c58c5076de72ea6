import Foundation
import NIOCore
import Testing

@testable import IMCore

@Suite("LogStore crash")
struct LogStoreCrashTests {
    static var childPath: String { builtExecutable("LogStoreCrashChild") }

    @Test(arguments: [(IMServerConfiguration.FsyncPolicy.batch, 1), (.batch, 2), (.batch, 3), (.interval, 4)])
    func everyReportedAppendSurvivesSIGKILL(policy: IMServerConfiguration.FsyncPolicy, seed: Int) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: Self.childPath)
        child.arguments = [directory.path, policy.rawValue]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()

        // Read lines while the child runs; kill it at a random moment after it has completed some appends.
        var generator = SeededGenerator(seed: UInt64(seed))
        let killAfter = Int.random(in: 2_000...20_000, using: &generator)
        // Read on a thread of its own: the child appends for seconds, and a blocking read here would hold
        // one of the concurrency pool's threads (two on a 2-core machine) all that time.
        var text = ""
        var lines = 0
        var output = chunks(of: pipe.fileHandleForReading).makeAsyncIterator()
        while lines < killAfter + 1, let data = await output.next() {
            let chunk = String(decoding: data, as: UTF8.self)
            lines += chunk.count { $0 == "\n" }
            text += chunk
        }
        kill(child.processIdentifier, SIGKILL)
        // What was already reported and is still in the pipe counts too.
        while let data = await output.next() { text += String(decoding: data, as: UTF8.self) }
        await child.waitForExit()
        #expect(child.terminationReason == .uncaughtSignal)

        var reported: [(seq: Int, id: UInt64)] = []
        for line in text.split(separator: "\n") where line != "ready" {
            let parts = line.split(separator: " ")
            // A partial last line cannot happen: each line is one write(2) below PIPE_BUF.
            try #require(parts.count == 2, "malformed line \(line)")
            reported.append((Int(parts[0])!, UInt64(parts[1])!))
        }
        #expect(reported.count >= killAfter)

        var configuration = LogStoreConfiguration(directory: directory.path)
        configuration.segmentSize = 4 << 20
        let store = try LogStore(configuration: configuration)
        defer { try? store.close() }
        var stored: [UInt64: StoredMessage] = [:]
        for uid in 0..<7 {
            var key: UInt64 = 0
            while true {
                let page = try await store.sync(QueueID.personal(appID: 1, uid: Int64(uid)), after: key, limit: 5000)
                for message in page.messages { stored[message.id] = message }
                key = page.lastID
                if !page.hasMore { break }
            }
        }
        var missing = 0
        for (seq, id) in reported {
            guard let message = stored[id] else {
                missing += 1
                continue
            }
            #expect(message.text == "crash-\(seq)-" + String(repeating: "z", count: seq % 40))
            #expect(message.senderDeviceID == Int64(seq))
        }
        #expect(missing == 0, "\(missing) of \(reported.count) acknowledged appends were lost")
        let highest = reported.map(\.id).max() ?? 0
        let next = try await store.append(message("after the crash"), to: [QueueID.personal(appID: 1, uid: 0)])
        #expect(next[0].id > highest)
        #expect(next[0].id > (stored.keys.max() ?? 0))
    }
}
