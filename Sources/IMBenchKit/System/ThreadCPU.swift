import Foundation

/// CPU time of given threads of this process, from `/proc/self/task/TID/stat` (Linux; 0 elsewhere).
///
/// The generator and an embedded server share the process, so the generator's own CPU use is the sum
/// over its event-loop threads, not the process's.
enum ThreadCPU {
    /// The calling thread's kernel id (from the `/proc/thread-self` link, "PID/task/TID"); 0 if unknown.
    static func currentThreadID() -> Int32 {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
            let last = target.split(separator: "/").last
        else { return 0 }
        return Int32(last) ?? 0
    }

    /// Seconds of user + system time of `thread` (0 if unknown).
    static func seconds(thread: Int32) -> Double {
        readStat("/proc/self/task/\(thread)/stat")
    }

    /// Seconds of user + system time of the whole process.
    static func processSeconds() -> Double {
        readStat("/proc/self/stat")
    }

    private static func readStat(_ path: String) -> Double {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
