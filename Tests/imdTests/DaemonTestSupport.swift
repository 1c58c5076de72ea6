import Foundation
import IMDaemonKit

/// A fresh directory under the system temp directory, for config and token files.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/imd-test-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `name` in the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

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
