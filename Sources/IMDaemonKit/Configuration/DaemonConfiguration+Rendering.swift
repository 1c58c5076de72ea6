extension DaemonConfiguration {
    /// The effective configuration as a config file, for `imd --check-config`: every setting with its
    /// value, secrets shown as `<redacted>`, and where each non-default value came from.
    package var rendered: String {
        var lines = ["# imd: defaults < environment < \(configFile ?? "(no config file)") < flags"]
        for section in [nil] + DaemonSetting.sections {
            if let section { lines += ["", "[\(section)]"] }
            for setting in DaemonSetting.all where setting.section == section {
                let origin = origins[setting.key].map { "  # from \($0)" } ?? ""
                if setting.key == "admin_token" && adminTokenFile != nil {
                    lines.append("# admin_token is read from admin_token_file")
                } else if let value = setting.render(self) {
                    lines.append("\(setting.name) = \(setting.isSecret ? "\"<redacted>\"" : value)\(origin)")
                } else {
                    lines.append("# \(setting.name) is not set")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
