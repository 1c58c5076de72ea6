import Foundation

/// `--record FILE`: every poll as one JSON line (NDJSON, schema `imtop-record/1`), each node's `/summary`
/// verbatim, so a replay sees exactly what the live dashboard saw and later imtop versions can show figures
/// this one ignores.
///
/// The first line is a header: `{"schema":"imtop-record/1","imtop":V,"started":ISO,"interval":S,"servers":[...]}`.
/// Then one line per poll: `{"t":UNIX,"nodes":[{"server":URL,"t":UNIX,"summary":{...}}` or
/// `{"server":URL,"t":UNIX,"error":TEXT,"kind":"unreachable"|"bad_reply"}]}`. Each line is written whole and
/// unbuffered, so a recording cut short (imtop killed) stays readable up to its last complete line.
package final class RecordWriter: Sendable {
    package let path: String
    private let handle: FileHandle

    /// Creates (or truncates) `path` and writes the header.
    package init(
        path: String,
        servers: [String],
        interval: Double,
        imtopVersion: String,
        now: Double
    ) throws(IMTopError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw IMTopError.usage("--record: cannot create \(path)") }
        self.handle = handle
        let header: [String: Any] = [
            "schema": "imtop-record/1", "imtop": imtopVersion, "started": TimeText.iso8601(now), "interval": interval,
            "servers": servers,
        ]
        try write(header)
    }

    /// Appends one poll.
    package func write(_ poll: Poll) throws(IMTopError) {
        var nodes: [[String: Any]] = []
        for result in poll.results {
            var entry: [String: Any] = ["server": result.server, "t": result.time]
            switch result.outcome {
            case .summary(_, let raw):
                entry["summary"] = (try? JSONSerialization.jsonObject(with: raw)) ?? [String: Any]()
            case .failure(let failure):
                entry["error"] = failure.message
                entry["kind"] = failure.kind.rawValue
            }
            nodes.append(entry)
        }
        try write(["t": poll.time, "nodes": nodes])
    }

    package func close() {
        try? handle.close()
    }

    private func write(_ object: [String: Any]) throws(IMTopError) {
        do {
            var data = try JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
            data.append(0x0A)
            try handle.write(contentsOf: data)
        } catch {
            throw IMTopError.runtime("--record: writing \(path) failed: \(error)")
        }
    }
}
