/// Why `imd` cannot start with the configuration it was given; `imd` prints it and exits with status 2.
///
/// The message names where the bad value came from (the file, env var or flag) and the key, so an
/// operator can fix it without guessing: `/etc/imd.toml: unknown key 'listne'`,
/// `/etc/imd.toml: key 'storage.fsync': expected one of batch, interval, none, got "sometimes"`.
package struct DaemonConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for tests and callers that branch on it.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadableFile, malformedFile, unknownKey, invalidValue, conflictingSettings, adminTokenRequired
        }
        private let base: Base

        /// The config file or `admin_token_file` cannot be read.
        package static let unreadableFile = Code(base: .unreadableFile)
        /// The config file is not valid TOML.
        package static let malformedFile = Code(base: .malformedFile)
        /// The config file has a key no setting has (a typo).
        package static let unknownKey = Code(base: .unknownKey)
        /// A value has the wrong type or is out of range.
        package static let invalidValue = Code(base: .invalidValue)
        /// Two settings that exclude each other were given in one place (`admin_token` and `admin_token_file`).
        package static let conflictingSettings = Code(base: .conflictingSettings)
        /// The admin API listens beyond loopback without a token.
        package static let adminTokenRequired = Code(base: .adminTokenRequired)

        package var description: String { base.rawValue }
    }

    package var code: Code
    /// Where the offending value came from; nil for a default or a rule across settings.
    package var origin: SettingOrigin?
    /// The key as the config file spells it (`storage.fsync`), if one is to blame.
    package var key: String?
    package var message: String

    package init(_ code: Code, origin: SettingOrigin? = nil, key: String? = nil, _ message: String) {
        self.code = code
        self.origin = origin
        self.key = key
        self.message = message
    }

    package var description: String {
        switch (origin, key) {
        case (.file(let path), let key?) where code == .unknownKey: "\(path): unknown key '\(key)'"
        case (.file(let path), let key?): "\(path): key '\(key)': \(message)"
        case (let origin?, _): "\(origin): \(message)"
        case (nil, let key?): "\(key): \(message)"
        case (nil, nil): message
        }
    }
}
