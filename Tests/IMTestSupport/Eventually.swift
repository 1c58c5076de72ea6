/// Polls `condition` every `interval` (10 ms, unless a check is costly, e.g. a process per check) until it
/// holds; throws `WaitTimeout` (naming `what`) if it does not within `timeout`. The one way tests wait for
/// something they cannot await as an event (counters the server updates on its own loops, a child
/// process's output): the deadline only bounds a failure, so it is generous, and a slow machine only makes
/// the wait longer.
package func eventually(
    timeout: Duration = .seconds(180),
    every interval: Duration = .milliseconds(10),
    _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what, timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// A condition that `eventually` waited for in vain.
package struct WaitTimeout: Error, CustomStringConvertible {
    package var what: String
    package var timeout: Duration
    package var description: String { "timed out after \(timeout) waiting for: \(what)" }
}
