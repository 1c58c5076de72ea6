import Foundation

/// This process's resource use, from `/proc/self` (Linux); zeros where unavailable.
struct ProcessStats: Sendable {
    var residentBytes: Int = 0
    var virtualBytes: Int = 0
    var threads: Int = 0
    var cpuSeconds: Double = 0
    var openFiles: Int = 0
    var maxOpenFiles: Int = 0

    static func current() -> ProcessStats {
        var stats = ProcessStats()
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count >= 2, let value = Int(parts[1]) else { continue }
                switch parts[0] {
                case "VmRSS:": stats.residentBytes = value * 1024
                case "VmSize:": stats.virtualBytes = value * 1024
                case "Threads:": stats.threads = value
                default: break
                }
            }
        }
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) {
                stats.cpuSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        }
        stats.openFiles = openFileCount()
        var limit = rlimit()
        if getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 { stats.maxOpenFiles = Int(limit.rlim_cur) }
        return stats
    }

    /// Open file descriptors. Linux 6.2 and later give the count as the size of `/proc/self/fd`, at the
    /// cost of one `stat`; listing the directory instead makes the kernel build an entry per descriptor,
    /// which took milliseconds per `/summary` with tens of thousands of connections. Older kernels report
    /// size 0: then the entries are counted with `readdir` (no name is copied).
    private static func openFileCount() -> Int {
        var info = stat()
        if stat("/proc/self/fd", &info) == 0, info.st_size > 0 { return Int(info.st_size) }
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            // Skip "." and "..".
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDot { count += 1 }
        }
        // The directory itself was open while counting.
        return max(0, count - 1)
    }
}

#if canImport(Glibc)
import Glibc
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif
