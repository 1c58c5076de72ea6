import Foundation

/// `--replay FILE`: reads a recording (see `RecordWriter`) one poll at a time, so a long recording never
/// sits in memory whole.
package struct RecordReader: Sendable {
    package let path: String
    /// From the header.
    package let servers: [String]
    package let interval: Double
    private let handle: FileHandle
    private var buffer = Data()
    private var atEnd = false
    private var lineNumber = 0

    /// Opens `path` and reads its header.
    ///
    /// - Throws: `IMTopError` naming the file (and line) when it is missing or not a recording.
    package init(path: String) throws(IMTopError) {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IMTopError.usage("--replay: cannot read \(path)")
        }
        self.handle = handle
        var firstLine: Data?
        do { firstLine = try Self.nextLine(handle, &buffer, &atEnd)?.line } catch { throw Self.readError(path, error) }
        lineNumber = 1
        guard let firstLine,
            let object = try? JSONSerialization.jsonObject(with: firstLine) as? [String: Any],
            object["schema"] as? String == "imtop-record/1"
        else {
            throw IMTopError.usage("--replay: \(path):1: not an imtop recording (no imtop-record/1 header)")
        }
        guard let servers = object["servers"] as? [String], !servers.isEmpty else {
            throw IMTopError.usage("--replay: \(path):1: the header has no servers")
        }
        self.servers = servers
        interval = NodeSummary.number(at: ["interval"], in: object) ?? 1
    }

    package func close() {
        try? handle.close()
    }

    /// The next poll; nil at the end. An incomplete last line (imtop was killed while writing) is the end.
    ///
    /// - Throws: `IMTopError` naming the file and line of a malformed poll.
    package mutating func next() throws(IMTopError) -> Poll? {
        while true {
            let next: (line: Data, complete: Bool)?
            do { next = try Self.nextLine(handle, &buffer, &atEnd) } catch { throw Self.readError(path, error) }
            guard let (line, complete) = next else { return nil }
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                if !complete { return nil }
                throw IMTopError.usage("--replay: \(path):\(lineNumber): not a JSON object")
            }
            return try poll(object)
        }
    }

    private func poll(_ object: [String: Any]) throws(IMTopError) -> Poll {
        let place = "\(path):\(lineNumber)"
        guard let time = NodeSummary.number(at: ["t"], in: object), let nodes = object["nodes"] as? [[String: Any]]
        else {
            throw IMTopError.usage("--replay: \(place): a poll needs \"t\" and \"nodes\"")
        }
        var results: [NodeResult] = []
        for node in nodes {
            guard let server = node["server"] as? String else {
                throw IMTopError.usage("--replay: \(place): a node without \"server\"")
            }
            let nodeTime = NodeSummary.number(at: ["t"], in: node) ?? time
            if let summary = node["summary"] as? [String: Any] {
                do {
                    results.append(
                        NodeResult(
                            server: server,
                            time: nodeTime,
                            outcome: .summary(try NodeSummary(json: summary), raw: Data())
                        )
                    )
                } catch {
                    results.append(NodeResult(server: server, time: nodeTime, outcome: .failure(error)))
                }
            } else {
                let kind = NodeFailure.Kind(rawValue: node["kind"] as? String ?? "") ?? .unreachable
                let failure = NodeFailure(kind, node["error"] as? String ?? "no answer")
                results.append(NodeResult(server: server, time: nodeTime, outcome: .failure(failure)))
            }
        }
        return Poll(time: time, results: results)
    }

    private static func readError(_ path: String, _ error: any Error) -> IMTopError {
        IMTopError.runtime("--replay: reading \(path) failed: \(error)")
    }

    /// The next line without its newline, and whether it had one (the last line may not); nil at the end.
    private static func nextLine(
        _ handle: FileHandle,
        _ buffer: inout Data,
        _ atEnd: inout Bool
    ) throws -> (line: Data, complete: Bool)? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                return (Data(line), true)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return (buffer, false)
            }
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(chunk) }
        }
    }
}
