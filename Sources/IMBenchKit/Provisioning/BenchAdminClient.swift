import IMAdminClient

/// imbench's calls to the admin API go through `IMAdminClient`, as imctl's and imtop's do.
enum BenchAdminClient {
    /// A client of the admin API at `url`.
    static func make(url: String, token: String?, timeout: Duration, connections: Int = 8) throws -> IMAdminClient {
        do {
            var configuration = IMAdminClientConfiguration(server: try IMAdminServerURL(parsing: url), token: token)
            configuration.timeout = timeout
            configuration.maxConnections = connections
            configuration.userAgent = "imbench"
            return try IMAdminClient(configuration: configuration)
        } catch {
            throw BenchError(.provision, "the admin API at \(url): \(error.message)")
        }
    }

    /// Runs `body` with a client and shuts it down afterwards.
    static func with<T>(
        url: String,
        token: String?,
        timeout: Duration,
        connections: Int = 8,
        _ body: (IMAdminClient) async throws -> T
    ) async throws -> T {
        let client = try make(url: url, token: token, timeout: timeout, connections: connections)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// A failed provisioning call: the server out of reach, or what it answered to `call`.
    static func failure(_ error: any Error, url: String, call: String) -> BenchError {
        guard let error = error as? IMAdminError else {
            return BenchError(.provision, "\(call) failed: \(BenchError.describe(error))")
        }
        switch error.kind {
        case .refused, .authFailed, .badResponse:
            let body = error.reply.map { String(decoding: $0.body.prefix(200), as: UTF8.self) } ?? error.message
            return BenchError(.provision, "\(call) answered \(error.status ?? 0): \(body)")
        default:
            let cause = error.underlying.map(BenchError.describe) ?? error.message
            return BenchError(.provision, "cannot reach the admin API at \(url): \(cause)")
        }
    }
}
