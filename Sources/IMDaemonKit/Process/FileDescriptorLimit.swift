#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Raises the soft limit to the hard limit (capped at what the kernel accepts).
    package static func raiseToHardLimit() -> Change {
        var limit = rlimit()
        guard getrlimit(resourceNOFILE, &limit) == 0 else {
            return Change(before: 0, after: 0, failure: "getrlimit: " + String(cString: strerror(errno)))
        }
        let before = UInt64(limit.rlim_cur)
        var target = limit.rlim_max
        #if os(Linux)
        // An unlimited hard limit is not a value the kernel takes; nr_open is its real ceiling.
        if target == rlim_t.max, let ceiling = Self.kernelCeiling() { target = rlim_t(ceiling) }
        #endif
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
