import IMAdminClient

/// Why an imctl command failed: the `error` of the JSON envelope, the message on stderr, the exit code.
package struct IMCtlFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, for scripts: `usage`, `refused`, `bad_response`, `unreachable`, `timeout`, `auth_failed`.
    package var code: String
    /// Which server, what was sent, what failed; the server's own message for refusals.
    package var message: String
    /// What to try, for people (not in the JSON envelope).
    package var hint: String?
    /// The HTTP status, when the server answered.
    package var status: Int?
    package var exitCode: IMCtlExitCode

    package init(code: String, message: String, hint: String? = nil, status: Int? = nil, exitCode: IMCtlExitCode) {
        self.code = code
        self.message = message
        self.hint = hint
        self.status = status
        self.exitCode = exitCode
    }

    /// A usage error: bad arguments or input; nothing was sent.
    package static func usage(_ message: String, hint: String? = nil) -> IMCtlFailure {
        IMCtlFailure(code: "usage", message: message, hint: hint, exitCode: .usage)
    }

    /// A failed call, with a hint that names imctl's options.
    package init(_ error: IMAdminError, credentials: IMAdminCredentials.Source = .none, timeout: String = "10s") {
        let code = error.kind == .invalidConfiguration ? "usage" : error.kind.rawValue
        self.init(
            code: code,
            message: error.description,
            hint: Self.hint(for: error, credentials: credentials, timeout: timeout),
            status: error.status,
            exitCode: IMCtlExitCode(error.kind)
        )
    }

    package var description: String { message }

    /// `error` of the JSON envelope: `{"code","message"}`, plus `status` when there was one.
    package var json: IMJSON {
        var object: [String: IMJSON] = ["code": .string(code), "message": .string(message)]
        if let status { object["status"] = .int(Int64(status)) }
        return .object(object)
    }

    private static func hint(
        for error: IMAdminError,
        credentials: IMAdminCredentials.Source,
        timeout: String
    ) -> String? {
        switch error.kind {
        case .unreachable:
            if error.message.hasPrefix("TLS") {
                return "for a self-signed or private CA certificate pass --cacert FILE (or --insecure to skip checks)"
            }
            return "is the server running, with admin_listen at this address? "
                + "Point imctl at it with --server URL or IMCTL_SERVER"
        case .timeout:
            return "the server may be overloaded or stuck (see `imctl stack`); allow longer with --timeout, "
                + "now \(timeout)"
        case .authFailed:
            switch credentials {
            case .none:
                return "no admin token was given: set IMCTL_TOKEN or IMCTL_TOKEN_FILE, or pass --token-file FILE "
                    + "(imd keeps one in DATA_DIR/admin-token; on its machine imctl reads it when IMD_DATA_DIR "
                    + "names DATA_DIR)"
            case .argument: return "the token given with --token is not the server's admin_token"
            case .file(let path): return "the token in \(path) is not the server's admin_token"
            case .environment(let name): return "the token in \(name) is not the server's admin_token"
            }
        case .refused:
            if error.status == 404 {
                return "no such endpoint or object: is the server older than this imctl, or the id wrong?"
            }
            if let status = error.status, status >= 500 { return "the server failed; its log says more" }
            return nil
        case .badResponse:
            return "is --server the admin API (not the client port or another web server)?"
        default:
            return nil
        }
    }
}
