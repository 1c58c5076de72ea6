import CIMSupport
import Synchronization

/// `Synchronization.Mutex`, visible to ThreadSanitizer: IMCore's types lock with this one. On Linux the
/// standard `Mutex` is a futex ThreadSanitizer cannot see, so it reports every access made under one as a
/// race (`scripts/sanitize.sh` found hundreds, all of that kind); this one tells it of each acquire and
/// release. Outside a `-sanitize=thread` build those calls do nothing.
package struct TracedMutex<Value>: ~Copyable, @unchecked Sendable {
    private let base: Synchronization.Mutex<Value>
    /// A stable address that stands for the lock in ThreadSanitizer's bookkeeping.
    private let token = Token()

    private final class Token: Sendable {}

    package init(_ initialValue: consuming sending Value) {
        base = Synchronization.Mutex(initialValue)
    }

    /// Runs `body` with the value while holding the lock (as `Synchronization.Mutex.withLock`).
    package borrowing func withLock<Result: ~Copyable, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        let address = UnsafeRawPointer(Unmanaged.passUnretained(token).toOpaque())
        return try base.withLock { (value: inout sending Value) throws(Failure) -> sending Result in
            cim_tsan_acquire(address)
            defer { cim_tsan_release(address) }
            return try body(&value)
        }
    }
}
