import Foundation
import IMConfigFile
import IMDaemonKit
@_exported import IMTestSupport

/// Loads a configuration from flags, env vars and, if given, a config file with this text.
func load(
    _ arguments: [String] = [],
    environment: [String: String] = [:],
    file text: String? = nil,
    in directory: TemporaryDirectory? = nil
) throws -> DaemonConfiguration {
    var arguments = arguments
    if let text {
        let directory = directory ?? TemporaryDirectory()
        arguments += ["--config", try directory.write("imd.toml", text)]
    }
    return try DaemonConfiguration.load(flags: try DaemonFlags.parse(arguments), environment: environment)
}

/// The error `load` throws, or nil if it succeeds.
func loadError(
    _ arguments: [String] = [],
    environment: [String: String] = [:],
    file text: String? = nil,
    in directory: TemporaryDirectory
) throws -> DaemonConfigurationError? {
    do {
        _ = try load(arguments, environment: environment, file: text, in: directory)
        return nil
    } catch let error as DaemonConfigurationError {
        return error
    }
}
