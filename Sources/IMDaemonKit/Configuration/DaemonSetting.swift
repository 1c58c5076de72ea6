import IMConfigFile
import IMCore

/// One configuration setting: its key in the config file, its env var and flag, how to parse and apply
/// it, its one line of help, and how `--check-config` and `--print-config` show it.
///
/// `DaemonSetting.all` is the single list the file, env vars, flags, their help, error messages,
/// `--check-config` and `--print-config` all read, so a setting cannot be settable in one place and unknown
/// (or undocumented) in another. A new row appears everywhere, in its section's place.
package struct DaemonSetting {
    /// As the config file spells it, with its section: `listen`, `storage.fsync`.
    package let key: String
    /// The flag that overrides it, if it has one (`--fsync`).
    package let flag: String?
    /// What `--fsync` holds.
    let flagValue: KeyPath<DaemonFlags, String?>?
    /// Shown as `<redacted>` by `--check-config`.
    let isSecret: Bool
    /// Completes "expected ..." in errors.
    let expected: String
    /// One line saying what the setting does, for `--print-config` and the flag's `--help`.
    package let help: String
    /// What the default is when it depends on the machine ("the host name"); nil when the default is the
    /// value `DaemonConfiguration()` holds.
    package let defaultNote: String?
    /// A TOML value to show for a setting that is unset by default or whose default depends on the machine.
    package let example: String?
    /// Parses the value and sets it; false if the value is not what the setting takes.
    let apply: (ConfigValue, inout DaemonConfiguration) -> Bool
    /// The current value as TOML, nil when unset.
    package let render: (DaemonConfiguration) -> String?

    /// The key without its section; also the `field` of an `IMConfigurationError` about it.
    package var name: String { String(key.split(separator: ".").last ?? "") }
    /// The section (`storage`), nil for a top-level key.
    package var section: String? { key.contains(".") ? String(key.split(separator: ".")[0]) : nil }
    /// `IMD_` and the name in capitals: `IMD_LISTEN`, `IMD_FSYNC_INTERVAL`.
    package var environmentVariable: String { "IMD_" + name.uppercased() }

    /// The default as TOML (`"./data"`, `3000`), read from a configuration nobody changed; nil when the
    /// setting is unset by default or its default depends on the machine (then see `defaultNote`).
    package var defaultValue: String? {
        defaultNote == nil ? render(DaemonConfiguration()) : nil
    }

    /// - Parameters:
    ///   - help: One line, a sentence; the default, flag and env var are added where it is shown.
    ///   - example: Shown commented out by `--print-config` for a setting with no fixed default.
    ///   - defaultNote: The default in words, when it depends on the machine ("one per core").
    ///   - flagName: The flag when it is not the key's name (`--postgres` for `postgres_url`).
    init<Value>(
        _ key: String,
        flag: KeyPath<DaemonFlags, String?>? = nil,
        flagName: String? = nil,
        secret: Bool = false,
        _ parser: ValueParser<Value>,
        _ keyPath: WritableKeyPath<DaemonConfiguration, Value>,
        help: String,
        example: Value? = nil,
        defaultNote: String? = nil
    ) {
        self.key = key
        self.flagValue = flag
        self.flag = flag.map { _ in "--" + (flagName ?? String(key.split(separator: ".").last ?? "").replacingUnderscores) }
        self.isSecret = secret
        self.expected = parser.expected
        self.help = help
        self.defaultNote = defaultNote
        self.example = example.flatMap(parser.render)
        self.apply = { value, configuration in
            guard let parsed = parser.parse(value) else { return false }
            configuration[keyPath: keyPath] = parsed
            return true
        }
        self.render = { configuration in parser.render(configuration[keyPath: keyPath]) }
    }

    /// The sections a config file may have, in the order their settings first appear in `all`.
    package static var sections: [String] { sections(of: all) }

    /// The sections of `settings`, in the order they first appear.
    static func sections(of settings: [DaemonSetting]) -> [String] {
        var seen: [String] = []
        for case let section? in settings.map(\.section) where !seen.contains(section) { seen.append(section) }
        return seen
    }

    /// The setting with this key (`storage.fsync`).
    package static func named(_ key: String) -> DaemonSetting? { all.first { $0.key == key } }
}

extension String {
    fileprivate var replacingUnderscores: String { replacingOccurrences(of: "_", with: "-") }
}
