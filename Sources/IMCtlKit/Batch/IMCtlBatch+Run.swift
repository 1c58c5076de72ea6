import Foundation
import IMAdminClient

extension IMCtlBatch {
    /// Reads lines from `io` until its end (or the first failure with `stopOnError`), runs them against
    /// the server, and writes the result lines. Progress goes to stderr when it is a terminal.
    package static func run(
        connection: IMCtlConnectionOptions,
        verbose: Bool,
        concurrency: Int,
        stopOnError: Bool,
        io: IMCtlIO
    ) async -> Outcome {
        let caller: Caller
        switch Caller.make(connection: connection, verbose: verbose, concurrency: concurrency, io: io) {
        case .caller(let made): caller = made
        case .failed(let exitCode): return Outcome(exitCode: exitCode)
        }
        var results = Results(progress: Progress(enabled: io.stderrIsTerminal, io: io))
        await withTaskGroup(of: (Int, IMJSON, IMCtlFailure?).self) { group in
            var lineNumber = 0
            var inFlight = 0
            var endOfInput = false
            var stopping = false
            let window = max(concurrency * 4, 256)
            while true {
                while !endOfInput && !stopping && inFlight < concurrency && results.waiting < window {
                    guard let text = io.readLine() else {
                        endOfInput = true
                        break
                    }
                    lineNumber += 1
                    if text.allSatisfy(\.isWhitespace) { continue }
                    let number = lineNumber
                    results.expect(number)
                    switch prepare(text, number: number) {
                    case .failure(let refused):
                        results.arrived(number, refused.line, refused.failure)
                        if stopOnError { stopping = true }
                    case .success(let (request, id)):
                        inFlight += 1
                        group.addTask { await caller.call(request, number: number, id: id) }
                    }
                }
                results.writeReady(io)
                guard inFlight > 0 else {
                    if endOfInput || stopping { break }
                    continue
                }
                if let (number, line, failure) = await group.next() {
                    inFlight -= 1
                    results.arrived(number, line, failure)
                    if failure != nil && stopOnError { stopping = true }
                }
            }
            results.writeReady(io)
            results.outcome.stopped = stopping && !endOfInput
        }
        await caller.client.shutdown()
        results.progress.finish(results.outcome)
        return results.outcome
    }

    /// A line read as a request and its id, or the result line that says why it cannot be sent.
    private static func prepare(
        _ text: String,
        number: Int
    ) -> Result<(IMAdminRequest, IMJSON?), Refusal> {
        do throws(IMCtlFailure) {
            let parsed = try parse(text)
            return .success((try parsed.operation.request(), parsed.id))
        } catch {
            let failure = IMCtlFailure(
                code: error.code,
                message: "line \(number): \(error.message)",
                hint: error.hint,
                exitCode: error.exitCode
            )
            let id = (try? IMJSON(parsing: text))?["id"]
            return .failure(Refusal(line: resultLine(number, id: id, data: .null, failure: failure), failure: failure))
        }
    }

    /// A line refused before it was sent.
    private struct Refusal: Error {
        var line: IMJSON
        var failure: IMCtlFailure
    }

    /// The client the lines are sent with, and how its failures are worded.
    private struct Caller: Sendable {
        let client: IMAdminClient
        let source: IMAdminCredentials.Source
        let timeout: String

        /// A caller, or the exit code after reporting why there is none.
        enum Made {
            case caller(Caller)
            case failed(IMCtlExitCode)
        }

        /// A client for `connection`, or the exit code after reporting why there is none.
        static func make(
            connection: IMCtlConnectionOptions,
            verbose: Bool,
            concurrency: Int,
            io: IMCtlIO
        ) -> Made {
            let resolved: (IMAdminClientConfiguration, IMAdminCredentials)
            do {
                resolved = try connection.resolve(io: io)
            } catch {
                IMCtlRunner.report(error, format: .text, io: io)
                return .failed(error.exitCode)
            }
            var (configuration, credentials) = resolved
            configuration.maxConnections = concurrency
            if verbose { configuration.trace = { io.err($0 + "\n") } }
            do {
                let client = try IMAdminClient(configuration: configuration)
                let timeout = IMCtlDuration.format(configuration.timeout)
                return .caller(Caller(client: client, source: credentials.source, timeout: timeout))
            } catch {
                let failure = IMCtlFailure(error)
                IMCtlRunner.report(failure, format: .text, io: io)
                return .failed(failure.exitCode)
            }
        }

        /// Sends one line's request; the result line, and the failure if it failed.
        func call(_ request: IMAdminRequest, number: Int, id: IMJSON?) async -> (Int, IMJSON, IMCtlFailure?) {
            do throws(IMAdminError) {
                let data = try await client.data(request)
                return (number, resultLine(number, id: id, data: data, failure: nil), nil)
            } catch {
                let failure = IMCtlFailure(error, credentials: source, timeout: timeout)
                return (number, resultLine(number, id: id, data: .null, failure: failure), failure)
            }
        }
    }

    /// Line numbers in input order, and the results that came back, written once their turn comes.
    private struct Results {
        let progress: Progress
        var outcome = Outcome()
        private var order: [Int] = []
        private var head = 0
        private var results: [Int: (IMJSON, IMCtlFailure?)] = [:]

        init(progress: Progress) {
            self.progress = progress
        }

        /// Lines read whose result is not written yet.
        var waiting: Int { order.count - head }

        /// Line `number` was read; its result is written after those of the lines before it.
        mutating func expect(_ number: Int) {
            order.append(number)
        }

        /// Line `number`'s result.
        mutating func arrived(_ number: Int, _ line: IMJSON, _ failure: IMCtlFailure?) {
            results[number] = (line, failure)
        }

        /// Writes the results whose turn has come, and counts them.
        mutating func writeReady(_ io: IMCtlIO) {
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
    }

    /// The `\r`-updated progress line on a terminal's stderr, at most once a second.
    final class Progress {
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
