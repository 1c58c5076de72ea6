import Foundation
import IMAdminAPI

/// `/stack`: what helps debug a stuck server. Swift cannot walk other threads' stacks from inside the
/// process, so this shows each thread's kernel state and wait channel (and kernel stack where readable),
/// then the server's own state: event loops, sessions, store and counters.
enum StackDump {
    static func make(core: ServerContext) async -> String {
        var out = "swift-im \(core.version) node \(core.configuration.nodeID) pid \(getpid())\n\n"
        out += "== threads ==\n"
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for tid in tasks.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
            let base = "/proc/self/task/\(tid)"
            let name = read("\(base)/comm") ?? "?"
            let wchan = read("\(base)/wchan") ?? "?"
            var state = "?"
            if let stat = read("\(base)/stat"), let close = stat.lastIndex(of: ")") {
                state = String(stat[stat.index(close, offsetBy: 2)...].prefix(1))
            }
            out += "thread \(tid) \"\(name)\" state \(state) wchan \(wchan == "0" ? "-" : wchan)\n"
            if let stack = read("\(base)/stack"), !stack.isEmpty {
                for line in stack.split(separator: "\n") { out += "    \(line)\n" }
            }
        }
        let (clients, users) = core.local.sessions.counts()
        out += "\n== sessions ==\n"
        out += "connections \(core.counters.connections.value), logged in \(clients), users \(users)\n"
        var perLoop: [String: Int] = [:]
        for (_, entry) in core.local.sessions.allSessions() { perLoop["\(entry.eventLoop)", default: 0] += 1 }
        for (loop, count) in perLoop.sorted(by: { $0.key < $1.key }) { out += "  \(loop): \(count) sessions\n" }
        out += "\n== store ==\n"
        let stats = core.store.statistics
        out += "messages \(stats.messages) entries \(stats.entries) queues \(stats.queues) bytes \(stats.bytes)\n"
        out += "appends \(stats.appends) failed \(stats.failedAppends) fsyncs \(stats.fsyncs) "
        out += "last fsync \(stats.lastFsyncMicroseconds) µs\n"
        out += "\n== summary ==\n"
        // The summary's top-level figures, by key.
        let summary = (try? await SummaryBuilder.summary(core, appID: nil)) ?? SummaryBuilder.figures(core)
        let figures = (try? IMJSON(parsing: IMAdminJSON.encode(summary)))?.objectValue ?? [:]
        for key in figures.keys.sorted() {
            switch figures[key]! {
            case .object, .array, .null: continue
            case .string(let text): out += "\(key) \(text)\n"
            case let value: out += "\(key) \(value.encoded())\n"
            }
        }
        return out
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
