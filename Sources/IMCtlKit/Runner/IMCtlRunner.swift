import IMAdminClient

/// Runs one operation the way every imctl command does: build it, send it, print the result in the
/// chosen format, and return the exit code that agrees with the output.
package enum IMCtlRunner {
    /// - Parameters:
    ///   - connection: Where to send and with which token.
    ///   - output: The format and `--verbose`.
    ///   - io: The streams and environment.
    ///   - build: Makes the operation (reading a body file, `--appid` from the environment...); a usage
    ///     failure here sends nothing.
    package static func run(
        connection: IMCtlConnectionOptions,
        output: IMCtlOutputOptions,
        io: IMCtlIO,
        _ build: () throws(IMCtlFailure) -> any IMCtlOperation
    ) async -> IMCtlExitCode {
        let format = output.format
        let operation: any IMCtlOperation
        let request: IMAdminRequest
        let resolved: (IMAdminClientConfiguration, IMAdminCredentials)
        do {
            operation = try build()
            request = try operation.request()
            resolved = try connection.resolve(io: io)
        } catch {
            report(error, format: format, io: io)
            return error.exitCode
        }
        var (configuration, credentials) = resolved
        if output.verbose { configuration.trace = { io.err($0 + "\n") } }
        let timeout = IMCtlDuration.format(configuration.timeout)
        do throws(IMAdminError) {
            let client = try IMAdminClient(configuration: configuration)
            let response: IMAdminResponse
            let data: IMJSON
            do throws(IMAdminError) {
                response = try await client.send(request)
                data = try response.data()
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
            print(operation.present(data), data: data, raw: response.body, format: format, io: io)
            return .ok
        } catch {
            var error = error
            error.server = error.server ?? configuration.server.description
            error.request = error.request ?? request.line
            let failure = IMCtlFailure(error, credentials: credentials.source, timeout: timeout)
            report(failure, format: format, io: io)
            return failure.exitCode
        }
    }

    /// Prints a result in `format`.
    package static func print(
        _ presentation: IMCtlPresentation,
        data: IMJSON,
        raw: [UInt8],
        format: IMCtlFormat,
        io: IMCtlIO
    ) {
        switch format {
        case .text: io.out(IMCtlRenderer.text(presentation))
        case .json: io.out(IMCtlRenderer.envelope(data: data, failure: nil).encoded(pretty: true) + "\n")
        case .ndjson: io.out(IMCtlRenderer.ndjson(data))
        case .csv: io.out(IMCtlRenderer.csv(presentation))
        case .raw: io.out(bytes: raw)
        }
    }

    /// Reports a failure: the envelope on stdout for `--json`, else `imctl: message` and the hint on
    /// stderr.
    package static func report(_ failure: IMCtlFailure, format: IMCtlFormat, io: IMCtlIO) {
        if format == .json {
            io.out(IMCtlRenderer.envelope(data: .null, failure: failure).encoded(pretty: true) + "\n")
            return
        }
        var text = "imctl: \(failure.message)\n"
        if let hint = failure.hint { text += "imctl: hint: \(hint)\n" }
        io.err(text)
    }
}
