#if canImport(Glibc)
import Glibc
#endif

/// Gives memory the server freed back to the system.
///
/// glibc's malloc keeps freed memory for reuse: by default its mmap threshold grows to the largest block
/// freed so far, so NIO's large buffers end up in the heap, and fragments between live blocks are never
/// returned. After a burst (clients that do not read while others flood them) imd kept ~500 MiB of
/// freed memory; `malloc_trim` brought it to ~70 MiB. Fixed thresholds (which turn off the growing
/// ones) and a trim every 30 s keep what a burst leaves behind small.
package enum HeapTrimming {
    /// How often `trim()` runs while imd serves.
    package static let interval: Duration = .seconds(30)

    /// Blocks of 128 KiB and more are mapped on their own (returned when freed); free memory at the top of
    /// the heap past 4 MiB is returned at once.
    package static func configure() {
        guard let mallopt = glibc("mallopt", as: Mallopt.self) else { return }
        _ = mallopt(mmapThreshold, 128 << 10)
        _ = mallopt(trimThreshold, 4 << 20)
    }

    /// Returns the free pages of every arena to the system.
    package static func trim() {
        _ = glibc("malloc_trim", as: MallocTrim.self)?(0)
    }

    // glibc's <malloc.h>, which the Glibc module does not include: looked up at run time (nothing
    // happens with another C library).
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD

    private static func glibc<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }

    /// `trim()` every `interval` until the task is cancelled.
    package static func trimPeriodically() async {
        while (try? await Task.sleep(for: interval)) != nil { trim() }
    }
}
