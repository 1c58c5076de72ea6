import Foundation
import IMTopKit
import Testing

@Suite("Record and replay")
struct RecordReplayTests {
    @Test func aRecordingReplaysTheSamePolls() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("rec.ndjson")
        let servers = ["http://a:6666", "http://b:6666"]
        let writer = try RecordWriter(path: path, servers: servers, interval: 2, imtopVersion: "0.1.0", now: 100)
        let raw = Data(
            #"{"node_id":"a","connection_count":3,"in_message_count":10,"apps":{"7":{"client_count":2,"clientset_count":1}}}"#
                .utf8
        )
        let polls = [
            Poll(
                time: 100,
                results: [
                    NodeResult(
                        server: servers[0],
                        time: 100.25,
                        outcome: .summary(try NodeSummary(data: raw), raw: raw)
                    ),
                    NodeResult(
                        server: servers[1],
                        time: 100.5,
                        outcome: .failure(NodeFailure(.unreachable, "connection refused"))
                    ),
                ]
            ),
            Poll(
                time: 102,
                results: [
                    NodeResult(server: servers[1], time: 102, outcome: .failure(NodeFailure(.badReply, "HTTP 401: no")))
                ]
            ),
        ]
        for poll in polls { try writer.write(poll) }
        writer.close()

        var reader = try RecordReader(path: path)
        #expect(reader.servers == servers)
        #expect(reader.interval == 2)
        let first = try #require(try reader.next())
        #expect(first.time == 100)
        #expect(first.results.map(\.server) == servers)
        #expect(first.results[0].time == 100.25)
        #expect(first.results[0].summary == (try NodeSummary(data: raw)))
        guard case .failure(let failure) = first.results[1].outcome else {
            Issue.record("b should have failed")
            return
        }
        #expect(failure == NodeFailure(.unreachable, "connection refused"))
        let second = try #require(try reader.next())
        guard case .failure(let bad) = second.results[0].outcome else {
            Issue.record("b should have failed")
            return
        }
        #expect(bad == NodeFailure(.badReply, "HTTP 401: no"))
        #expect(try reader.next() == nil)
    }

    @Test func aRecordingCutShortEndsAtItsLastWholeLineAndABadLineIsNamed() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let header = #"{"schema":"imtop-record/1","servers":["http://a:6666"],"interval":1}"#
        let line = #"{"t":1,"nodes":[{"server":"http://a:6666","t":1,"summary":{"connection_count":1}}]}"#
        let cut = directory.file("cut")
        try (header + "\n" + line + "\n" + String(line.prefix(30))).write(
            toFile: cut,
            atomically: true,
            encoding: .utf8
        )
        var reader = try RecordReader(path: cut)
        #expect(try reader.next() != nil)
        #expect(try reader.next() == nil)

        let bad = directory.file("bad")
        try (header + "\n" + line + "\nnot json\n" + line + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        var badReader = try RecordReader(path: bad)
        _ = try badReader.next()
        #expect {
            _ = try badReader.next()
        } throws: { error in
            (error as? IMTopError)?.message == "--replay: \(bad):3: not a JSON object"
        }
        let notRecording = directory.file("other")
        try "{}\n".write(toFile: notRecording, atomically: true, encoding: .utf8)
        #expect(throws: IMTopError.self) { try RecordReader(path: notRecording) }
    }
}
