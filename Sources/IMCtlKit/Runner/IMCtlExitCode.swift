import IMAdminClient

/// imctl's exit codes, the same for every command (`imctl health` has its own, Nagios's).
package enum IMCtlExitCode: Int32, Sendable, CaseIterable {
    /// It worked.
    case ok = 0
    /// The server refused (an HTTP 4xx/5xx other than 401/403), or answered something unexpected.
    case refused = 1
    /// Bad arguments, a bad batch line, an unreadable file: nothing was sent.
    case usage = 2
    /// The server could not be reached, or did not answer in time.
    case unreachable = 3
    /// The server rejected the admin token.
    case authFailed = 4

    /// The exit code for a failed call.
    package init(_ kind: IMAdminError.Kind) {
        switch kind {
        case .unreachable, .timeout: self = .unreachable
        case .authFailed: self = .authFailed
        case .refused, .badResponse: self = .refused
        default: self = .usage
        }
    }

    /// The table in `imctl --help` and the README.
    package static let help = """
        EXIT CODES
          0  ok
          1  the server refused (HTTP 4xx/5xx; the message is the server's) or answered unexpectedly
          2  usage: bad arguments, a bad batch line, an unreadable file (nothing was sent)
          3  the server could not be reached or did not answer within --timeout
          4  authentication failed: the admin token is missing or wrong
        `imctl health` exits as a Nagios plugin instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
        """
}
