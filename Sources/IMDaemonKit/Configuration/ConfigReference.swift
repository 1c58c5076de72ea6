/// What `imd --print-config` prints: every setting of `DaemonSetting.all` with its default, flag, env var
/// and one line of help, as a TOML config file whose keys are all commented out at their defaults.
///
/// `docs/imd.toml.example` is this text (`scripts/generate-docs.sh` writes it, a test compares them). It
/// depends on nothing but the table and the defaults: settings whose default depends on the machine
/// (`node_id`, `threads`) show an example and name their default in words, so the text is the same on
/// every machine.
package enum ConfigReference {
    /// The reference for `settings`, top-level keys first, then one `[section]` per section.
    package static func text(for settings: [DaemonSetting] = DaemonSetting.all) -> String {
        var lines = header
        for section in [nil] + DaemonSetting.sections(of: settings) {
            if let section { lines += ["", "[\(section)]"] }
            for setting in settings where setting.section == section {
                lines += [""] + entry(setting)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A setting's comment lines and its key, commented out.
    static func entry(_ setting: DaemonSetting) -> [String] {
        var lines = ["# \(setting.help)"]
        let sources = (setting.flag.map { ["flag \($0)"] } ?? []) + ["env \(setting.environmentVariable)"]
        var about = sources.joined(separator: ", ").capitalizedFirst + "."
        if let note = setting.defaultNote {
            about += " Default: \(note)."
        } else if setting.defaultValue == nil {
            about += " Not set by default."
        }
        lines.append("# \(about)")
        if let value = setting.defaultValue ?? setting.example {
            lines.append("# \(setting.name) = \(value)")
        }
        return lines
    }

    private static let header = [
        "# imd configuration: every setting with its default, as `imd --print-config` prints it.",
        "#",
        "# Settings come from, lowest first: the defaults, IMD_* environment variables, this file",
        "# (imd --config FILE), flags. Each key below is commented out at its default (or, where there is",
        "# no fixed default, at an example): uncomment the ones to change. Durations are seconds or text",
        "# like \"500ms\", \"1s\", \"5m\", \"2h\", \"30d\"; sizes are bytes or text like \"64KiB\", \"64MiB\", \"1GiB\".",
        "# `imd --config FILE --check-config` shows what a file sets and where each value comes from.",
    ]
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
