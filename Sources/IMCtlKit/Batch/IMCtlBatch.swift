import Foundation
import IMAdminClient

/// `imctl batch`: NDJSON commands in, one NDJSON result out per command, in input order.
///
/// Each input line is a JSON object: `"command"` (as typed after `imctl`: `"post system"`), the
/// command's fields (its long options with `_` for `-`, and its arguments by name), and optionally an
/// `"id"` that is echoed back. Each result line is the JSON envelope plus `"line"` (the input line
/// number) and `"id"`: `{"line":3,"id":"a","ok":false,"data":null,"error":{"code","message"}}`. Blank
/// lines are skipped. Up to `concurrency` calls run at once; results are still written in input order.
package enum IMCtlBatch {
    /// How the run went.
    package struct Outcome: Sendable, Equatable {
        /// Lines that succeeded and lines that failed (bad lines included).
        package var succeeded = 0
        package var failed = 0
        /// The exit code of the first failed line (by line number), `.ok` if none failed.
        package var exitCode = IMCtlExitCode.ok
        /// Whether `--stop-on-error` stopped reading input.
        package var stopped = false

        package init(succeeded: Int = 0, failed: Int = 0, exitCode: IMCtlExitCode = .ok, stopped: Bool = false) {
            self.succeeded = succeeded
            self.failed = failed
            self.exitCode = exitCode
            self.stopped = stopped
        }
    }

    /// The operation a line asks for, and its id.
    package static func parse(_ text: String) throws(IMCtlFailure) -> (operation: any IMCtlOperation, id: IMJSON?) {
        let json: IMJSON
        do {
            json = try IMJSON(parsing: text)
        } catch {
            throw .usage("not JSON: \(String(text.prefix(80)))")
        }
        guard case .object(let members) = json else {
            throw .usage("each line must be a JSON object with \"command\", got \(String(text.prefix(80)))")
        }
        guard let commandValue = members["command"] else { throw .usage("command: missing") }
        guard let command = commandValue.stringValue else { throw .usage("command: must be a string") }
        let result = decode(command: command, keys: members.keys.sorted(), text: text)
        switch result {
        case .success(let operation): return (operation, members["id"])
        case .failure(let failure): throw failure
        }
    }

    /// The operation named `command` from the line, or why not.
    private static func decode(
        command: String,
        keys: [String],
        text: String
    ) -> Result<any IMCtlOperation, IMCtlFailure> {
        guard let entry = IMCtlCatalog.operation(named: command) else {
            return .failure(
                .usage(
                    "command: unknown command \"\(command)\"",
                    hint: "batch runs: " + IMCtlCatalog.operations.map(\.command).joined(separator: ", ")
                )
            )
        }
        if let unknown = keys.first(where: { $0 != "command" && $0 != "id" && !entry.fields.contains($0) }) {
            let known = entry.fields.isEmpty ? "none" : entry.fields.joined(separator: ", ")
            return .failure(.usage("\(unknown): not a field of \"\(entry.command)\" (its fields: \(known))"))
        }
        return entry.decode(Data(text.utf8)).mapError { IMCtlFailure.usage(describe($0)) }
    }

    /// Reads lines from `io` until its end (or the first failure with `stopOnError`), runs them against
    /// the server, and writes the result lines. Progress goes to stderr when it is a terminal.
    package static func run(
        connection: IMCtlConnectionOptions,
        verbose: Bool,
        concurrency: Int,
        stopOnError: Bool,
        io: IMCtlIO
    ) async -> Outcome {
        var outcome = Outcome()
        let resolved: (IMAdminClientConfiguration, IMAdminCredentials)
        do {
            resolved = try connection.resolve(io: io)
        } catch {
            IMCtlRunner.report(error, format: .text, io: io)
            outcome.exitCode = error.exitCode
            return outcome
        }
        var (configuration, credentials) = resolved
        configuration.maxConnections = concurrency
        if verbose { configuration.trace = { io.err($0 + "\n") } }
        let client: IMAdminClient
        do {
            client = try IMAdminClient(configuration: configuration)
        } catch {
            let failure = IMCtlFailure(error)
            IMCtlRunner.report(failure, format: .text, io: io)
            outcome.exitCode = failure.exitCode
            return outcome
        }
        let timeout = IMCtlDuration.format(configuration.timeout)
        let source = credentials.source
        let progress = Progress(enabled: io.stderrIsTerminal, io: io)

        await withTaskGroup(of: (Int, IMJSON, IMCtlFailure?).self) { group in
            // Line numbers in input order, and the results that came back, written once their turn comes.
            var order: [Int] = []
            var head = 0
            var results: [Int: (IMJSON, IMCtlFailure?)] = [:]
            var lineNumber = 0
            var inFlight = 0
            var endOfInput = false
            var stopping = false
            let window = max(concurrency * 4, 256)

            func writeReady() {
                while head < order.count, let (line, failure) = results.removeValue(forKey: order[head]) {
                    head += 1
                    io.out(line.encoded() + "\n")
                    if let failure {
                        outcome.failed += 1
                        if outcome.exitCode == .ok { outcome.exitCode = failure.exitCode }
                    } else {
                        outcome.succeeded += 1
                    }
                    progress.update(outcome)
                }
                if head > 4096 {
                    order.removeFirst(head)
                    head = 0
                }
            }

            while true {
                while !endOfInput && !stopping && inFlight < concurrency && order.count - head < window {
                    guard let text = io.readLine() else {
                        endOfInput = true
                        break
                    }
                    lineNumber += 1
                    if text.allSatisfy(\.isWhitespace) { continue }
                    let number = lineNumber
                    order.append(number)
                    let parsed: (operation: any IMCtlOperation, id: IMJSON?)
                    let request: IMAdminRequest
                    do throws(IMCtlFailure) {
                        parsed = try parse(text)
                        request = try parsed.operation.request()
                    } catch {
                        let failure = IMCtlFailure(
                            code: error.code,
                            message: "line \(number): \(error.message)",
                            hint: error.hint,
                            exitCode: error.exitCode
                        )
                        results[number] = (
                            resultLine(number, id: (try? IMJSON(parsing: text))?["id"], data: .null, failure: failure),
                            failure
                        )
                        if stopOnError { stopping = true }
                        continue
                    }
                    inFlight += 1
                    group.addTask {
                        do throws(IMAdminError) {
                            let data = try await client.data(request)
                            return (number, resultLine(number, id: parsed.id, data: data, failure: nil), nil)
                        } catch {
                            let failure = IMCtlFailure(error, credentials: source, timeout: timeout)
                            return (number, resultLine(number, id: parsed.id, data: .null, failure: failure), failure)
                        }
                    }
                }
                writeReady()
                guard inFlight > 0 else {
                    if endOfInput || stopping { break }
                    continue
                }
                if let (number, line, failure) = await group.next() {
                    inFlight -= 1
                    results[number] = (line, failure)
                    if failure != nil && stopOnError { stopping = true }
                }
            }
            writeReady()
            outcome.stopped = stopping && !endOfInput
        }
        await client.shutdown()
        progress.finish(outcome)
        return outcome
    }

    /// One result line.
    static func resultLine(_ number: Int, id: IMJSON?, data: IMJSON, failure: IMCtlFailure?) -> IMJSON {
        var object = IMCtlRenderer.envelope(data: data, failure: failure).objectValue ?? [:]
        object["line"] = .int(Int64(number))
        if let id { object["id"] = id }
        return .object(object)
    }

    /// `receivers: missing`, `appid: must be an integer`.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "line" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context, key)): missing"
        case .typeMismatch(let type, let context): return "\(path(context)): must be \(typeName(type))"
        case .valueNotFound(let type, let context): return "\(path(context)): must be \(typeName(type)), got null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int64.Type, is Int.Type: "an integer"
        case is String.Type, is IMCtlContent.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Int64].Type: "a list of integers"
        default: "\(type)"
        }
    }

    /// The `\r`-updated progress line on a terminal's stderr, at most once a second.
    private final class Progress {
        let enabled: Bool
        let io: IMCtlIO
        let started = ContinuousClock.now
        var last = ContinuousClock.now

        init(enabled: Bool, io: IMCtlIO) {
            self.enabled = enabled
            self.io = io
        }

        func update(_ outcome: Outcome) {
            guard enabled, ContinuousClock.now - last >= .seconds(1) else { return }
            last = ContinuousClock.now
            io.err("\r\u{1B}[K" + text(outcome))
        }

        func finish(_ outcome: Outcome) {
            guard enabled else { return }
            io.err("\r\u{1B}[K" + text(outcome) + (outcome.stopped ? ", stopped at the first error" : "") + "\n")
        }

        private func text(_ outcome: Outcome) -> String {
            let done = outcome.succeeded + outcome.failed
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
            return "batch: \(done) done, \(outcome.failed) failed, \(rate)/s"
        }
    }
}
