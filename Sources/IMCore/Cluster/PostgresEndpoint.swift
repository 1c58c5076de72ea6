import Foundation
import NIOCore
import NIOSSL
import PostgresNIO

/// Where the cluster's database is, read from `postgres_url`
/// (`postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require`, as libpq spells it).
package struct PostgresEndpoint: Sendable, Equatable {
    /// libpq's `sslmode`: `prefer` and `require` encrypt without checking the certificate (as libpq),
    /// `verify-ca` and `verify-full` check it against the system's trust roots and the host name.
    package enum TLSMode: String, Sendable {
        case disable, prefer, require, verify
    }

    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var tls: TLSMode

    /// Parses `url`; the error names `postgres_url` and what is wrong with it (never the password).
    package init(url: String) throws(IMConfigurationError) {
        func invalid(_ why: String) -> IMConfigurationError {
            IMConfigurationError(field: "postgres_url", "\(why) (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw invalid("is not a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else { throw invalid("has scheme \"\(scheme)\"") }
        guard let host = components.host, !host.isEmpty else { throw invalid("has no host") }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else { throw invalid("has no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw invalid("has no database name") }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
        self.tls = .prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require": tls = .require
                case "verify-ca", "verify-full": tls = .verify
                default: throw invalid("has sslmode=\(item.value ?? "") (use disable, prefer, require or verify-full)")
                }
            case "application_name", "connect_timeout": break
            default: throw invalid("has the unknown parameter \(item.name)")
            }
        }
    }

    /// The URL of this endpoint (the password percent-encoded).
    package var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.host = host.contains(":") ? "[\(host)]" : host
        components.port = port
        components.user = user
        components.password = password
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: tls == .verify ? "verify-full" : tls.rawValue)]
        return components.string ?? ""
    }

    /// `url` with its password replaced, for logs, `/config` and `--check-config`.
    package static func redacting(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return url }
        return url[..<rest.index(after: colon)] + IMServerConfiguration.redacted + url[at...]
    }

    /// The same server with another database (tests create and drop databases beside the configured one).
    package func with(database: String) -> PostgresEndpoint {
        var copy = self
        copy.database = database
        return copy
    }

    /// One connection's configuration: the probe at start, which reports the server's own reason for a
    /// refusal (the pool would retry and only time out).
    func connectionConfiguration(timeout: Duration) throws -> PostgresConnection.Configuration {
        let tlsConfiguration: PostgresConnection.Configuration.TLS
        if let (settings, required) = tlsSettings {
            let context = try NIOSSLContext(configuration: settings)
            tlsConfiguration = required ? .require(context) : .prefer(context)
        } else {
            tlsConfiguration = .disable
        }
        var configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tlsConfiguration
        )
        configuration.options.connectTimeout = TimeAmount(timeout)
        return configuration
    }

    /// The TLS `sslmode` asks for, and whether it is required; nil for `disable`. `prefer` and `require`
    /// encrypt without checking the certificate (as libpq), `verify-*` checks it.
    private var tlsSettings: (TLSConfiguration, required: Bool)? {
        var settings = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require: settings.certificateVerification = .none
        case .verify: break
        }
        return (settings, tls != .prefer)
    }

    /// The pool's configuration: at most `poolSize` connections, `timeout` to connect.
    package func clientConfiguration(poolSize: Int, timeout: Duration) -> PostgresClient.Configuration {
        let tlsConfiguration: PostgresClient.Configuration.TLS
        if let (settings, required) = tlsSettings {
            tlsConfiguration = required ? .require(settings) : .prefer(settings)
        } else {
            tlsConfiguration = .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tlsConfiguration
        )
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = timeout
        configuration.options.additionalStartupParameters = [("application_name", "imd")]
        return configuration
    }
}

extension IMServerConfiguration.Postgres {
    func validate() throws(IMConfigurationError) {
        if let url { _ = try PostgresEndpoint(url: url) }
        if poolSize < 2 { throw IMConfigurationError(field: "postgres_pool_size", "must be at least 2") }
        if timeout <= .zero { throw IMConfigurationError(field: "postgres_timeout", "must be positive") }
    }
}
