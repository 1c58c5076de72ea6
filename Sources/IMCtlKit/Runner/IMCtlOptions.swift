import ArgumentParser
import IMAdminClient

/// `--server`, the token, `--timeout` and TLS: shared by every command that talks to a server.
package struct IMCtlConnectionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The admin API: http(s)://host:port, or host[:port]; a cluster's nodes comma-separated, the next tried while one is unreachable (env IMCTL_SERVER; default http://127.0.0.1:6666).",
            valueName: "url"
        )
    )
    package var server: String?

    @Option(
        help: ArgumentHelp(
            "A file holding the admin token (env IMCTL_TOKEN_FILE; or put the token itself in IMCTL_TOKEN).",
            valueName: "file"
        ),
        completion: .file()
    )
    package var tokenFile: String?

    @Option(help: "The admin token. Other users can see it in process lists: prefer IMCTL_TOKEN or --token-file.")
    package var token: String?

    @Option(
        help: ArgumentHelp(
            "How long one call may take: 10s, 500ms, 1m (env IMCTL_TIMEOUT; default 10s).",
            valueName: "duration"
        )
    )
    package var timeout: String?

    @Option(
        help: ArgumentHelp("PEM CA certificates to trust for an https server.", valueName: "file"),
        completion: .file()
    )
    package var cacert: String?

    @Flag(help: "Do not verify the https server's certificate (self-signed test servers only).")
    package var insecure = false

    @Option(
        help: ArgumentHelp("PEM client certificate, for a server that asks for one (with --key).", valueName: "file"),
        completion: .file()
    )
    package var cert: String?

    @Option(help: ArgumentHelp("PEM private key of --cert.", valueName: "file"), completion: .file())
    package var key: String?

    package init() {}

    package func validate() throws {
        if let timeout, IMCtlDuration.parse(timeout) == nil {
            throw ValidationError("--timeout: expected a duration like 10s, 500ms or 2m, got \"\(timeout)\"")
        }
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
        if token != nil && tokenFile != nil {
            throw ValidationError("give the admin token once: --token or --token-file")
        }
    }

    /// The client configuration and the token's source, from these options and the environment (flags
    /// win). Warnings (a token on the command line) go to `io`'s stderr.
    package func resolve(io: IMCtlIO) throws(IMCtlFailure) -> (IMAdminClientConfiguration, IMAdminCredentials) {
        let serverText =
            server ?? io.environment["IMCTL_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? IMAdminClientConfiguration.defaultServer
        // A cluster's nodes, comma-separated: any one answers for the cluster; the next is tried while one
        // cannot be reached.
        var urls: [IMAdminServerURL] = []
        do throws(IMAdminError) {
            for text in serverText.split(separator: ",") { urls.append(try IMAdminServerURL(parsing: String(text))) }
            guard !urls.isEmpty else { throw IMAdminError(.invalidConfiguration, "expected a URL, got \"\(serverText)\"") }
        } catch {
            throw .usage(
                (server == nil ? "IMCTL_SERVER: " : "--server: ") + error.message,
                hint: "for example --server http://127.0.0.1:6666"
            )
        }
        let credentials: IMAdminCredentials
        do {
            credentials = try IMAdminCredentials.resolve(
                token: token,
                tokenFile: tokenFile,
                environment: io.environment,
                localServer: urls.allSatisfy(\.isLoopback)
            )
        } catch {
            throw .usage(error.message)
        }
        for warning in credentials.warnings { io.err("imctl: warning: \(warning)\n") }
        var configuration = IMAdminClientConfiguration(server: urls[0], token: credentials.token)
        configuration.fallbackServers = Array(urls.dropFirst())
        configuration.userAgent = "imctl"
        let timeoutText = timeout ?? io.environment["IMCTL_TIMEOUT"].flatMap { $0.isEmpty ? nil : $0 }
        if let timeoutText {
            guard let duration = IMCtlDuration.parse(timeoutText) else {
                throw .usage("IMCTL_TIMEOUT: expected a duration like 10s, got \"\(timeoutText)\"")
            }
            configuration.timeout = duration
        }
        configuration.tls = .init(caFile: cacert, insecure: insecure, certificateFile: cert, keyFile: key)
        return (configuration, credentials)
    }
}

/// The output format and `--verbose`.
package struct IMCtlOutputOptions: ParsableArguments {
    @Flag package var format: IMCtlFormat = .text

    @Flag(name: .shortAndLong, help: "Show each request and reply on stderr (the token redacted).")
    package var verbose = false

    package init() {}
}

/// `--appid`, which may come from IMCTL_APPID.
package struct IMCtlAppOption: ParsableArguments {
    @Option(help: ArgumentHelp("The app id (env IMCTL_APPID).", valueName: "appid"))
    package var appid: Int64?

    package init() {}

    /// The app id from the flag, else IMCTL_APPID.
    package func resolve(io: IMCtlIO) throws(IMCtlFailure) -> Int64 {
        guard let value = try resolveIfGiven(io: io) else {
            throw .usage("--appid: missing", hint: "pass --appid N or set IMCTL_APPID")
        }
        return value
    }

    /// The app id from the flag, else IMCTL_APPID, else nil.
    package func resolveIfGiven(io: IMCtlIO) throws(IMCtlFailure) -> Int64? {
        if let appid { return appid }
        guard let text = io.environment["IMCTL_APPID"], !text.isEmpty else { return nil }
        guard let value = Int64(text) else { throw .usage("IMCTL_APPID: must be an integer, got \"\(text)\"") }
        return value
    }
}
