import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where log lines go: stderr, or a file opened for appending that `reopen()` swaps for a new one, so
/// logrotate can move the file and send SIGHUP.
///
/// One lock serialises writes, so lines from many threads never interleave.
package final class LogOutput: Sendable {
    private enum Target {
        case standardError
        case file(path: String, descriptor: Int32)
    }

    private let target: Mutex<Target>

    /// Writes to stderr.
    package static let standardError = LogOutput(target: .standardError)

    private init(target: Target) {
        self.target = Mutex(target)
    }

    /// Opens `path` for appending, creating it (mode 0644) if needed.
    package convenience init(appendingTo path: String) throws(LogFileError) {
        self.init(target: .file(path: path, descriptor: try Self.open(path)))
    }

    deinit {
        target.withLock { target in
            if case .file(_, let descriptor) = target { close(descriptor) }
        }
    }

    /// Writes one line (the newline included), retrying short writes.
    package func write(_ line: String) {
        target.withLock { target in
            let descriptor: Int32 =
                switch target {
                case .standardError: STDERR_FILENO
                case .file(_, let descriptor): descriptor
                }
            var line = line
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = posixWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// Opens the file's path again (after logrotate moved it); on failure keeps writing to the old file.
    package func reopen() throws(LogFileError) {
        try target.withLock { target throws(LogFileError) in
            guard case .file(let path, let old) = target else { return }
            let descriptor = try Self.open(path)
            close(old)
            target = .file(path: path, descriptor: descriptor)
        }
    }

    private static func open(_ path: String) throws(LogFileError) -> Int32 {
        let descriptor = posixOpen(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        return descriptor
    }
}

/// The log file cannot be opened.
package struct LogFileError: Error, CustomStringConvertible {
    package var path: String
    package var reason: String
    package var description: String { "cannot open log file '\(path)': \(reason)" }
}

// The class's own `write` and `open` shadow the C functions inside it.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
