import Foundation
import Testing

/// The dashboard on a real terminal: `imd` and `imbench` as processes, `imtop` in a tmux pane (tmux gives it
/// a pseudo-terminal, so the test needs none), the screen read with `tmux capture-pane`.
@Suite(
    "imtop on a terminal (tmux)",
    .enabled(
        if: Tmux.executable != nil || ProcessInfo.processInfo.environment["CI"] != nil,
        "tmux is not installed (.ci/run installs it)"
    )
)
struct ScreenTmuxTests {
    static let nodeID = "imtop-tmux-node"

    @Test func theDashboardShowsALoadedNodeRelayoutsAndRestoresTheTerminal() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonUnderTest(dataDirectory: directory.file("data"), nodeID: Self.nodeID)
        defer { daemon.stop() }
        let adminURL = "http://127.0.0.1:\(daemon.adminPort)"
        // The pane runs imtop twice: ended by q, then by Ctrl-C; the terminal's modes are saved around both,
        // each exit status written after them (the test reads the modes once it sees the status).
        let imtop = builtExecutable("imtop")
        let script = """
            trap ':' INT
            cd '\(directory.path)'
            stty -g > stty-before
            '\(imtop)' --server \(adminURL) -d 0.5 --timeout 30 --sort in
            rc=$?
            stty -g > stty-after-1
            echo $rc > rc-1
            while [ ! -e go-2 ]; do sleep 0.05; done
            '\(imtop)' --server \(adminURL) -d 0.5 --timeout 30
            rc=$?
            stty -g > stty-after-2
            echo $rc > rc-2
            exec sleep 600
            """
        try script.write(toFile: directory.file("pane.sh"), atomically: true, encoding: .utf8)
        let tmux = try Tmux(socket: directory.file("tmux.sock"))
        defer { tmux.kill() }
        try tmux.run(["new-session", "-d", "-s", "imtop", "-x", "100", "-y", "30", "sh \(directory.file("pane.sh"))"])

        _ = try await tmux.waitForScreen("the node answering") { $0.contains("1/1 node up") && row(in: $0) != nil }
        // Load for as long as the test needs it (the defer below stops it): a 60 s run ended before a starved
        // imtop drew a non-zero rate at load average 16.
        let bench = ChildProcess()
        bench.executableURL = URL(fileURLWithPath: builtExecutable("imbench"))
        bench.arguments = [
            "--host", "127.0.0.1", "--port", "\(daemon.clientPort)", "--admin", adminURL, "--admin-token",
            DaemonUnderTest.adminToken, "--clients", "4", "--rate", "200", "--duration", "600s", "--progress",
            "quiet", "--max-lost", "1000000",
        ]
        try bench.run()
        defer {
            if bench.isRunning {
                bench.terminate()
                bench.waitUntilExit()
            }
        }
        let loaded = try await tmux.waitForScreen("non-zero IN/S on the node row while imbench sends") { screen in
            guard let value = column("IN/S", of: row(in: screen), in: screen) else { return false }
            return value != "0" && value != "-"
        }
        print("imtop under imbench load (100x30):\n\(loaded)")
        #expect(loaded.contains("imtop "))
        #expect(loaded.contains("In/s"))
        #expect(loaded.contains("Appends/s"))
        #expect(header(in: loaded)?.contains("RSS") == true)

        try tmux.run(["resize-window", "-t", "imtop", "-x", "70", "-y", "20"])
        let narrow = try await tmux.waitForScreen("the 70x20 layout") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.allSatisfy { $0.count <= 70 } && row(in: screen) != nil
                && header(in: screen).map { !$0.contains("RSS") } == true
        }
        #expect(narrow.contains("In/s"))

        try tmux.run(["resize-window", "-t", "imtop", "-x", "40", "-y", "10"])
        _ = try await tmux.waitForScreen("the too-small message") { $0.contains("terminal too small: 40x10") }
        try tmux.run(["resize-window", "-t", "imtop", "-x", "100", "-y", "30"])
        _ = try await tmux.waitForScreen("the full layout again") { header(in: $0)?.contains("RSS") == true }

        try tmux.run(["send-keys", "-t", "imtop", "a"])
        let apps = try await tmux.waitForScreen("the per-app view with imbench's app 1") { screen in
            screen.contains("APP") && screen.split(separator: "\n").contains { $0.hasPrefix(" 1 ") }
        }
        #expect(apps.contains("CLIENTS"))
        try tmux.run(["send-keys", "-t", "imtop", "a"])
        _ = try await tmux.waitForScreen("the node view") { row(in: $0) != nil }

        try tmux.run(["send-keys", "-t", "imtop", "q"])
        let first = try await waitForFile(directory.file("rc-1"))
        #expect(first == "0", "q exits 0")
        #expect(
            try tmux.run(["display-message", "-p", "-t", "imtop", "#{alternate_on}"]) == "0",
            "the alternate screen is left"
        )
        #expect(!(try tmux.capture()).contains("NODE"), "the operator's screen is back")
        #expect(
            try String(contentsOfFile: directory.file("stty-after-1"), encoding: .utf8)
                == String(contentsOfFile: directory.file("stty-before"), encoding: .utf8),
            "terminal modes restored after q"
        )

        #expect(FileManager.default.createFile(atPath: directory.file("go-2"), contents: nil))
        _ = try await tmux.waitForScreen("the second imtop") { row(in: $0) != nil }
        try tmux.run(["send-keys", "-t", "imtop", "C-c"])
        let second = try await waitForFile(directory.file("rc-2"))
        #expect(second == "130", "Ctrl-C exits 128+SIGINT")
        #expect(
            try String(contentsOfFile: directory.file("stty-after-2"), encoding: .utf8)
                == String(contentsOfFile: directory.file("stty-before"), encoding: .utf8),
            "terminal modes restored after Ctrl-C"
        )
        #expect(try tmux.run(["display-message", "-p", "-t", "imtop", "#{alternate_on}"]) == "0")
    }

    /// The node's row.
    func row(in screen: String) -> String? {
        screen.split(separator: "\n").first { $0.hasPrefix(" \(Self.nodeID) ") && $0.contains(" up ") }.map(String.init)
    }

    /// The node table's heading.
    func header(in screen: String) -> String? {
        screen.split(separator: "\n").first { $0.hasPrefix(" NODE ") }.map(String.init)
    }

    /// The value right-aligned under `title` in `row`.
    func column(_ title: String, of row: String?, in screen: String) -> String? {
        guard let row, let header = header(in: screen), let range = header.range(of: " \(title)") else { return nil }
        let end = header.distance(from: header.startIndex, to: range.upperBound)
        guard row.count >= end else { return nil }
        return row.prefix(end).split(separator: " ").last.map(String.init)
    }

    /// The file's text, trimmed, once a line ending shows it is complete.
    func waitForFile(_ path: String) async throws -> String {
        var text = ""
        try await eventually("\(path) written") {
            text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.hasSuffix("\n")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct TmuxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A tmux server of the test's own (its socket in the test's directory).
struct Tmux {
    static let executable: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    let socket: String
    let path: String

    init(socket: String) throws {
        guard let path = Self.executable else { throw TmuxError("tmux is not installed") }
        self.path = path
        self.socket = socket
    }

    /// Runs a tmux command; returns its output without the final newline.
    ///
    /// Spawned and reaped here rather than with Foundation's `Process`: `new-session` forks the tmux
    /// server, which inherits what Foundation watches for the child's exit (and any output pipe), so
    /// `Process` would wait for the server, not for the command.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["LANG"] = "C.UTF-8"
        environment["TERM"] = "xterm-256color"
        let outputPath = socket + ".out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path, "-S", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw TmuxError("cannot start tmux: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TmuxError("tmux \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// The pane's screen as text.
    func capture() throws -> String {
        try run(["capture-pane", "-p", "-t", "imtop"])
    }

    /// Captures the pane until `predicate` holds (`eventually`'s deadline: a loaded machine has taken most of
    /// a minute just to start a debug build of imtop); returns that screen, or throws with the last one.
    func waitForScreen(_ what: String, _ predicate: (String) -> Bool) async throws -> String {
        var screen = ""
        do {
            // Every 100 ms: each check runs tmux.
            try await eventually(every: .milliseconds(100), what) {
                screen = try capture()
                return predicate(screen)
            }
        } catch let timeout as WaitTimeout {
            throw TmuxError("\(timeout); the screen:\n\(screen)")
        }
        return screen
    }

    /// Stops the server and whatever runs in its panes.
    func kill() {
        let panes = ((try? run(["list-panes", "-a", "-F", "#{pane_pid}"])) ?? "").split(separator: "\n")
        let server = try? run(["display-message", "-p", "#{pid}"])
        do {
            try run(["kill-server"])
        } catch {
            print("tmux kill-server: \(error); killing the server")
            if let pid = server.flatMap({ pid_t($0) }) { Glibc.kill(pid, SIGTERM) }
        }
        // Panes get SIGHUP from the server; a pane process that ignored it goes now.
        for pid in panes.compactMap({ pid_t($0) }) { Glibc.kill(-pid, SIGKILL) }
    }
}

/// `imd` as a child process on port 0, its addresses read from its log.
final class DaemonUnderTest {
    static let adminToken = "imtop-tmux-admin-token"

    let process = ChildProcess()
    let clientPort: Int
    let adminPort: Int
    private let log = Pipe()

    init(dataDirectory: String, nodeID: String) throws {
        process.executableURL = URL(fileURLWithPath: builtExecutable("imd"))
        process.arguments = [
            "--data-dir", dataDirectory, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
            "--admin-token", Self.adminToken, "--fsync", "none", "--node-id", nodeID, "--threads", "1",
            "--log-level", "info",
        ]
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let reader = log.fileHandleForReading
        var match: [Int] = []
        while match.count < 2 {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(
                of: #"listening client=[^ ]*:\d+ admin=[^ \n]*:\d+[ \n]"#,
                options: .regularExpression
            ) {
                match = text[range].matches(of: /:(\d+)/).compactMap { Int($0.1) }
            }
        }
        guard match.count >= 2 else {
            process.terminate()
            throw TmuxError("imd did not report its addresses; its log:\n\(text)")
        }
        clientPort = match[0]
        adminPort = match[1]
        reader.readabilityHandler = { handle in _ = handle.availableData }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        log.fileHandleForReading.readabilityHandler = nil
    }
}
