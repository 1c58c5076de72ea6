#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IMConfigFile

/// The process's open-file limit (`RLIMIT_NOFILE`).
///
/// Every client is a descriptor, and the soft limit is often 1024 while the hard one is far higher; a
/// server at the limit stalls accepting without a word (ARCHITECTURE.md §9), so `imd` raises it at start and logs it.
package enum FileDescriptorLimit {
    /// The soft limit before and after, or why it could not be raised.
    package struct Change: Sendable, Equatable {
        package var before: UInt64
        package var after: UInt64
        /// Why `after` is below the hard limit, if it is.
        package var failure: String?
    }

    /// Descriptors kept for everything but client connections (the store's segments, SQLite, the
    /// database pool, the admin API's connections, log files).
    package static let reserved = 256

    /// `max_connections` when the configuration does not set it: what `raiseToHardLimit()` will allow,
    /// less `reserved` (at least 16), so clients past it are refused cleanly instead of the server running
    /// out of descriptors for its own files.
    package static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(resourceNOFILE, &limit) == 0 else { return 0 }
        let target = max(UInt64(limit.rlim_cur), UInt64(Self.target(limit)))
        return max(16, Int(min(target, UInt64(Int.max / 2))) - reserved)
    }

    /// The soft limit `raiseToHardLimit()` aims for: the hard limit, capped at what the kernel accepts.
    private static func target(_ limit: rlimit) -> rlim_t {
        var target = limit.rlim_max
        #if os(Linux)
        // An unlimited hard limit is not a value the kernel takes; nr_open is its real ceiling.
        if target == rlim_t.max, let ceiling = Self.kernelCeiling() { target = rlim_t(ceiling) }
        #endif
        return target
    }

    /// Raises the soft limit to the hard limit (capped at what the kernel accepts).
    package static func raiseToHardLimit() -> Change {
        var limit = rlimit()
        guard getrlimit(resourceNOFILE, &limit) == 0 else {
            return Change(before: 0, after: 0, failure: "getrlimit: " + String(cString: strerror(errno)))
        }
        let before = UInt64(limit.rlim_cur)
        let target = Self.target(limit)
        guard target > limit.rlim_cur else { return Change(before: before, after: before, failure: nil) }
        var raised = limit
        raised.rlim_cur = target
        guard setrlimit(resourceNOFILE, &raised) == 0 else {
            return Change(before: before, after: before, failure: "setrlimit: " + String(cString: strerror(errno)))
        }
        return Change(before: before, after: UInt64(target), failure: nil)
    }

    #if os(Linux)
    private static let resourceNOFILE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    private static func kernelCeiling() -> UInt64? {
        guard let text = try? TextFile.read("/proc/sys/fs/nr_open") else { return nil }
        return UInt64(text.trimmingWhitespace)
    }
    #else
    private static let resourceNOFILE = RLIMIT_NOFILE
    #endif
}
