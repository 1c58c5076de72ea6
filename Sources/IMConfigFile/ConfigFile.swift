/// A parsed `imd` config file: its keys flattened with their sections (`storage.fsync`), not yet
/// checked against the settings.
///
/// ```toml
/// data_dir = "/var/lib/imd"
/// listen = "0.0.0.0:23000"
/// admin_token_file = "/etc/imd/admin-token"
///
/// [storage]
/// fsync = "batch"
/// ```
package struct ConfigFile: Sendable {
    /// As given on the command line; error messages name it.
    package let path: String
    /// Every key the file sets, sections joined with a dot; a table only where a key names one.
    package let values: [String: ConfigValue]

    /// Parses TOML text that was read from `path`; a top-level table named in `sections` is opened into
    /// dotted keys (`[storage]` → `storage.fsync`).
    package init(path: String, text: String, sections: Set<String>) throws(DaemonConfigurationError) {
        self.path = path
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw DaemonConfigurationError(
                .malformedFile,
                origin: .file(path),
                "line \(error.line), column \(error.column): \(error.message)"
            )
        }
        // Tables named like a section are opened; any other table stays a value so that `[listne]` is
        // reported as one unknown key and `listen = { ... }` as a key with the wrong type.
        var values: [String: ConfigValue] = [:]
        for (key, value) in root.values {
            if sections.contains(key), case .table(let section) = value {
                for (member, value) in section { values[key + "." + member] = value }
            } else {
                values[key] = value
            }
        }
        self.values = values
    }

    /// Reads and parses the file at `path`.
    package static func load(path: String, sections: Set<String>) throws(DaemonConfigurationError) -> ConfigFile {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw DaemonConfigurationError(.unreadableFile, origin: .file(path), "cannot read: \(error.reason)")
        }
        return try ConfigFile(path: path, text: text, sections: sections)
    }
}
