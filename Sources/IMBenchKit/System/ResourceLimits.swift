#if canImport(Glibc)
import Glibc
private let nofile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
import Darwin
private let nofile = RLIMIT_NOFILE
#endif

/// The open-file limit, which caps how many connections one process can hold.
package enum ResourceLimits {
    /// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns (before, after).
    package static func raiseOpenFiles() -> (before: Int, after: Int) {
        var limit = rlimit()
        guard getrlimit(nofile, &limit) == 0 else { return (0, 0) }
        let before = Int(limit.rlim_cur)
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            if setrlimit(nofile, &limit) != 0 { return (before, before) }
        }
        return (before, Int(limit.rlim_cur))
    }

    /// The soft open-file limit now.
    package static var openFiles: Int {
        var limit = rlimit()
        return getrlimit(nofile, &limit) == 0 ? Int(limit.rlim_cur) : 0
    }
}
