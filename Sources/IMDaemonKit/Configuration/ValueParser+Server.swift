import IMConfigFile
import IMCore
import Logging

// The parsers of values whose types are the server's (IMCore) or swift-log's; the value grammar they build on
// (strings, numbers, durations, sizes) is IMConfigFile's.

extension ValueParser where Value == IMServerConfiguration.Endpoint {
    static var endpoint: Self {
        Self(
            expected: "HOST:PORT (like \"0.0.0.0:23000\" or \"[::1]:23000\")",
            parse: { value in value.stringValue.flatMap(parseEndpoint) },
            render: { tomlString($0.description) }
        )
    }

    fileprivate static func parseEndpoint(_ text: String) -> Value? {
        guard let endpoint = Value(parsing: text), !endpoint.host.contains(where: \.isWhitespace) else { return nil }
        return endpoint
    }
}

extension ValueParser where Value == IMServerConfiguration.Endpoint? {
    /// An endpoint, or "off" to disable the listener.
    static var optionalEndpoint: Self {
        Self(
            expected: "HOST:PORT (like \"127.0.0.1:6666\") or \"off\"",
            parse: { value in
                guard let text = value.stringValue else { return nil }
                if text == "off" { return .some(nil) }
                return ValueParser<IMServerConfiguration.Endpoint>.parseEndpoint(text).map { .some($0) }
            },
            render: { tomlString($0?.description ?? "off") }
        )
    }
}

extension ValueParser where Value == IMServerConfiguration.FsyncPolicy {
    static var fsync: Self {
        Self(
            expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { value in value.stringValue.flatMap { Value(rawValue: $0) } },
            render: { tomlString($0.rawValue) }
        )
    }
}

extension ValueParser where Value == IMServerConfiguration.Replication.Mode {
    static var replicationMode: Self {
        Self(
            expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { value in value.stringValue.flatMap { Value(rawValue: $0) } },
            render: { tomlString($0.rawValue) }
        )
    }
}

extension ValueParser where Value == Logger.Level {
    /// A swift-log level; GoBelieve's "warn" reads as warning.
    static var logLevel: Self {
        Self(
            expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { value in value.stringValue.flatMap { $0 == "warn" ? .warning : Value(rawValue: $0) } },
            render: { tomlString($0.rawValue) }
        )
    }
}

extension ValueParser where Value == [IMTransport: IMServerConfiguration.Endpoint] {
    /// `TRANSPORT=HOST:PORT` pairs separated by commas (`tcp=im1.example.com:23000,ws=im1.example.com:13891`);
    /// an empty string advertises the listen addresses.
    static var advertise: Self {
        Self(
            expected: "TRANSPORT=HOST:PORT,... with transports tcp, tls, ws, wss (like \"tcp=im1.example.com:23000\")",
            parse: { value in
                guard let text = value.stringValue else { return nil }
                var addresses: Value = [:]
                for pair in text.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace }
                    guard parts.count == 2, let transport = IMTransport(rawValue: parts[0]),
                        addresses[transport] == nil,
                        let endpoint = ValueParser<IMServerConfiguration.Endpoint>.parseEndpoint(parts[1])
                    else { return nil }
                    addresses[transport] = endpoint
                }
                return addresses
            },
            render: { addresses in
                addresses.isEmpty
                    ? nil
                    : tomlString(
                        IMTransport.allCases.compactMap { t in addresses[t].map { "\(t)=\($0)" } }.joined(
                            separator: ","
                        )
                    )
            }
        )
    }
}
