/// A setting's raw value as the config file, an env var or a flag gave it, before the setting parses it.
///
/// One type for all three sources lets one parser per setting handle them alike.
package enum ConfigValue: Sendable, Equatable {
    /// From an env var or a flag: text that each setting parses its own way (`"1s"`, `"64MiB"`, `"8"`).
    case text(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case table([String: ConfigValue])
    /// Arrays, dates and times: no setting takes them; the name is for the error message.
    case unsupported(String)

    /// What was given, for "expected X, got Y".
    package var summary: String {
        switch self {
        case .text(let text), .string(let text): "\"\(text)\""
        case .integer(let value): "integer \(value)"
        case .float(let value): "float \(value)"
        case .boolean(let value): "boolean \(value)"
        case .table: "a table"
        case .unsupported(let kind): "a TOML \(kind)"
        }
    }

    /// The text of a string from any source.
    package var stringValue: String? {
        switch self {
        case .text(let text), .string(let text): text
        default: nil
        }
    }
}
