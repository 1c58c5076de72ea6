import Foundation
import Synchronization

/// Where a command's output goes and its input comes from: the process's streams, or a test's buffers.
package final class IMCtlIO: Sendable {
    private enum Backing {
        case standard
        case captured(stdin: [UInt8])
    }

    private struct Captured {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var stdin: [UInt8] = []
        var stdinOffset = 0
    }

    private let backing: Backing
    private let captured: Mutex<Captured>
    /// Whether stdout / stderr are terminals (tables and progress are for people).
    package let stdoutIsTerminal: Bool
    package let stderrIsTerminal: Bool
    /// The environment (`IMCTL_SERVER`, `IMCTL_TOKEN`, ...).
    package let environment: [String: String]

    /// The process's stdin, stdout and stderr and its environment.
    package static func standard() -> IMCtlIO {
        IMCtlIO(
            backing: .standard,
            stdin: [],
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            stderrIsTerminal: isatty(STDERR_FILENO) == 1,
            environment: ProcessInfo.processInfo.environment
        )
    }

    /// Buffers for tests: `stdin` is what the command reads; read the output with `stdout` and `stderr`.
    package static func capturing(
        stdin: String = "",
        environment: [String: String] = [:],
        terminal: Bool = false
    ) -> IMCtlIO {
        IMCtlIO(
            backing: .captured(stdin: Array(stdin.utf8)),
            stdin: Array(stdin.utf8),
            stdoutIsTerminal: terminal,
            stderrIsTerminal: terminal,
            environment: environment
        )
    }

    private init(
        backing: Backing,
        stdin: [UInt8],
        stdoutIsTerminal: Bool,
        stderrIsTerminal: Bool,
        environment: [String: String]
    ) {
        self.backing = backing
        self.captured = Mutex(Captured(stdin: stdin))
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.environment = environment
    }

    /// Writes `text` to stdout as it is (add the newline yourself).
    package func out(_ text: String) {
        switch backing {
        case .standard: Self.write(STDOUT_FILENO, Array(text.utf8))
        case .captured: captured.withLock { $0.stdout += Array(text.utf8) }
        }
    }

    /// Writes raw bytes to stdout.
    package func out(bytes: [UInt8]) {
        switch backing {
        case .standard: Self.write(STDOUT_FILENO, bytes)
        case .captured: captured.withLock { $0.stdout += bytes }
        }
    }

    /// Writes `text` to stderr as it is.
    package func err(_ text: String) {
        switch backing {
        case .standard: Self.write(STDERR_FILENO, Array(text.utf8))
        case .captured: captured.withLock { $0.stderr += Array(text.utf8) }
        }
    }

    /// Everything left on stdin.
    package func readAllInput() -> [UInt8] {
        switch backing {
        case .standard:
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        case .captured:
            return captured.withLock { c in
                defer { c.stdinOffset = c.stdin.count }
                return Array(c.stdin[c.stdinOffset...])
            }
        }
    }

    /// The next line of stdin without its newline; nil at the end. Blocks until a line arrives.
    package func readLine() -> String? {
        switch backing {
        case .standard:
            return Swift.readLine(strippingNewline: true)
        case .captured:
            return captured.withLock { c in
                guard c.stdinOffset < c.stdin.count else { return nil }
                let rest = c.stdin[c.stdinOffset...]
                let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? c.stdin.count
                c.stdinOffset = min(end + 1, c.stdin.count)
                return String(decoding: c.stdin[rest.startIndex..<end], as: UTF8.self)
            }
        }
    }

    /// What was written to stdout (captured IO only).
    package var stdout: String { captured.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    /// What was written to stderr (captured IO only).
    package var stderr: String { captured.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // a closed pipe (`imctl ... | head`): nothing more to say
                }
                offset += written
            }
        }
    }
}
