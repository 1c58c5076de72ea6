import Foundation
import TOMLKit

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

    /// Parses TOML text that was read from `path`.
    package init(path: String, text: String) throws(DaemonConfigurationError) {
        self.path = path
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw DaemonConfigurationError(
                .malformedFile,
                origin: .file(path),
                "line \(position.line), column \(position.column): \(error.description)"
            )
        } catch {
            throw DaemonConfigurationError(.malformedFile, origin: .file(path), "\(error)")
        }
        var values: [String: ConfigValue] = [:]
        Self.flatten(table, prefix: "", into: &values)
        self.values = values
    }

    /// Reads and parses the file at `path`.
    package static func load(path: String) throws(DaemonConfigurationError) -> ConfigFile {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw DaemonConfigurationError(.unreadableFile, origin: .file(path), "cannot read: \(error.reason)")
        }
        return try ConfigFile(path: path, text: text)
    }

    /// Tables named like a section are opened; any other table stays a value so that `[listne]` is
    /// reported as one unknown key and `listen = { ... }` as a key with the wrong type.
    private static func flatten(_ table: TOMLTable, prefix: String, into values: inout [String: ConfigValue]) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            if prefix.isEmpty, DaemonSetting.sections.contains(key), let section = value.table {
                flatten(section, prefix: key + ".", into: &values)
            } else {
                values[prefix + key] = configValue(value)
            }
        }
    }

    private static func configValue(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .string: value.string.map(ConfigValue.string) ?? .unsupported("string")
        case .int: value.int.map(ConfigValue.integer) ?? .unsupported("integer")
        case .double: value.double.map(ConfigValue.float) ?? .unsupported("float")
        case .bool: value.bool.map(ConfigValue.boolean) ?? .unsupported("boolean")
        case .table:
            .table(
                value.table.map { table in
                    Dictionary(
                        uniqueKeysWithValues: table.keys.compactMap { key in
                            table[key].map { (key, configValue($0)) }
                        }
                    )
                } ?? [:]
            )
        case .array: .unsupported("array")
        case .date: .unsupported("date")
        case .time: .unsupported("time")
        case .dateTime: .unsupported("date-time")
        }
    }
}
