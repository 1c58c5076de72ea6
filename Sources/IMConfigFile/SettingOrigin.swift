/// Where a setting's value came from: what an error message names and `--check-config` shows.
package enum SettingOrigin: Sendable, Hashable, CustomStringConvertible {
    /// An env var, by name (`IMD_LISTEN`).
    case environment(String)
    /// The config file, by path.
    case file(String)
    /// A command-line flag (`--listen`).
    case flag(String)

    package var description: String {
        switch self {
        case .environment(let variable): "environment variable \(variable)"
        case .file(let path): path
        case .flag(let flag): flag
        }
    }
}
