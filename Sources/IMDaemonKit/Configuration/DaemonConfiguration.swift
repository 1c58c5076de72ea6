import IMConfigFile
import IMCore
import Logging

/// Everything `imd` runs with: the server's configuration plus the daemon's own logging settings, built
/// from defaults < env vars < config file < flags.
///
/// `load(flags:environment:)` is the whole policy; `imd` only prints its error and exits 2.
package struct DaemonConfiguration: Sendable {
    /// What `IMServer` gets; `imd` replaces its logger once logging is set up.
    package var server = IMServerConfiguration()
    /// Default `.info`.
    package var logLevel: Logger.Level = .info
    /// Append the log here instead of stderr. Default nil.
    package var logFile: String?
    /// The config file read, if any.
    package private(set) var configFile: String?
    /// Where each setting that is not at its default came from, by key.
    package private(set) var origins: [String: SettingOrigin] = [:]
    /// Things an operator should know that do not stop the start (admin auth off), to log once logging is up.
    package private(set) var warnings: [String] = []

    /// The token file named by the winning layer; its contents become `server.admin.token`.
    private var tokenFile: String?
    /// With the admin API on and no `admin_token` or `admin_token_file` set: `data_dir/admin-token`, the
    /// token imd generated on its first start (`provideGeneratedToken()` creates it). nil otherwise.
    package internal(set) var generatedTokenFile: String?
    /// `cert_file` and `key_file`: together they become `server.tls`.
    package var certFile: String?
    package var keyFile: String?

    /// Every default, nothing read.
    package init() {}

    /// The admin token as `admin_token` sets it: it replaces an `admin_token_file` from a lower layer.
    /// `admin_token = ""` turns authentication off (loopback only), instead of the generated token.
    var adminToken: String? {
        get { server.admin.token }
        set {
            server.admin.token = newValue?.isEmpty == true ? nil : newValue
            tokenFile = nil
        }
    }

    /// The `admin_token_file`: it replaces an `admin_token` from a lower layer; read by `load`.
    package var adminTokenFile: String? {
        get { tokenFile }
        set {
            tokenFile = newValue
            server.admin.token = nil
        }
    }

    /// Builds the configuration from env vars, the file named by `--config` and the flags, and checks it.
    ///
    /// - Parameters:
    ///   - flags: The parsed command line.
    ///   - environment: The process environment (`ProcessInfo.processInfo.environment`); empty values
    ///     count as unset.
    package static func load(
        flags: DaemonFlags,
        environment: [String: String]
    ) throws(DaemonConfigurationError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        let settings = DaemonSetting.all

        let fromEnvironment = settings.compactMap { setting in
            environment[setting.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }.map {
                (setting, ConfigValue.text($0), SettingOrigin.environment(setting.environmentVariable))
            }
        }
        try configuration.apply(fromEnvironment)

        if let path = flags.config {
            let file = try ConfigFile.load(path: path, sections: Set(DaemonSetting.sections))
            configuration.configFile = path
            try configuration.apply(file: file)
        }

        let fromFlags = settings.compactMap { setting in
            setting.flagValue.flatMap { flags[keyPath: $0] }.map {
                (setting, ConfigValue.text($0), SettingOrigin.flag(setting.flag ?? setting.key))
            }
        }
        try configuration.apply(fromFlags)
        // Unset, node_id names the host and the client port, so two nodes on one host differ.
        if configuration.origins["node_id"] == nil {
            configuration.server.nodeID = "\(System.hostName):\(configuration.server.clientAddress.port)"
        }
        if configuration.origins["limits.max_connections"] == nil {
            configuration.server.limits.maxConnections = FileDescriptorLimit.defaultMaxConnections
        }

        try configuration.readTokenFile()
        try configuration.chooseGeneratedToken()
        try configuration.applyTLSFiles()
        try configuration.validate()
        try configuration.checkTLSFiles()
        return configuration
    }

    /// Applies a config file's keys; an unknown key is an error naming it.
    package mutating func apply(file: ConfigFile) throws(DaemonConfigurationError) {
        var layer: [(DaemonSetting, ConfigValue, SettingOrigin)] = []
        let origin = SettingOrigin.file(file.path)
        for (key, value) in file.values.sorted(by: { $0.key < $1.key }) {
            guard let setting = DaemonSetting.named(key) else {
                if DaemonSetting.sections.contains(key) {
                    throw DaemonConfigurationError(.invalidValue, origin: origin, key: key, "expected a table [\(key)]")
                }
                throw DaemonConfigurationError(.unknownKey, origin: origin, key: key, "unknown key '\(key)'")
            }
            layer.append((setting, value, origin))
        }
        try apply(layer)
    }

    /// Applies one layer (the environment, the file or the flags) over what lower layers set.
    private mutating func apply(_ layer: [(DaemonSetting, ConfigValue, SettingOrigin)]) throws(DaemonConfigurationError)
    {
        let keys = Set(layer.map(\.0.key))
        if keys.contains("admin_token") && keys.contains("admin_token_file"), let origin = layer.first?.2 {
            throw DaemonConfigurationError(
                .conflictingSettings,
                origin: origin,
                "admin_token and admin_token_file exclude each other; give one"
            )
        }
        for (setting, value, origin) in layer {
            guard setting.apply(value, &self) else {
                throw DaemonConfigurationError(
                    .invalidValue,
                    origin: origin,
                    key: setting.key,
                    "expected \(setting.expected), got \(value.summary)"
                )
            }
            origins[setting.key] = origin
            // The pair is one choice: whichever was set last wins, and the other is no longer in force.
            if setting.key == "admin_token" { origins["admin_token_file"] = nil }
            if setting.key == "admin_token_file" { origins["admin_token"] = nil }
        }
    }

    private mutating func readTokenFile() throws(DaemonConfigurationError) {
        guard let path = tokenFile else { return }
        let origin = origins["admin_token_file"]
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw DaemonConfigurationError(
                .unreadableFile,
                origin: origin,
                key: "admin_token_file",
                "cannot read '\(path)': \(error.reason)"
            )
        }
        let token = text.trimmingWhitespace
        if token.isEmpty {
            throw DaemonConfigurationError(.invalidValue, origin: origin, key: "admin_token_file", "'\(path)' is empty")
        }
        server.admin.token = token
    }

    /// `cert_file` and `key_file` as `server.tls`: both or neither.
    private mutating func applyTLSFiles() throws(DaemonConfigurationError) {
        switch (certFile, keyFile) {
        case (let certificate?, let key?):
            server.tls = .init(certificateFile: certificate, keyFile: key)
        case (nil, nil):
            server.tls = nil
        case (_?, nil):
            throw DaemonConfigurationError(
                .invalidValue,
                origin: origins["cert_file"],
                key: "cert_file",
                "needs key_file too: set key_file, --key-file or IMD_KEY_FILE"
            )
        case (nil, _?):
            throw DaemonConfigurationError(
                .invalidValue,
                origin: origins["key_file"],
                key: "key_file",
                "needs cert_file too: set cert_file, --cert-file or IMD_CERT_FILE"
            )
        }
    }

    /// Reads the certificate and key, so that a missing or bad file stops `imd` (and `--check-config`)
    /// with an error naming the file and its key, before anything starts.
    private func checkTLSFiles() throws(DaemonConfigurationError) {
        guard let tls = server.tls else { return }
        do {
            try tls.check()
        } catch {
            throw DaemonConfigurationError(.invalidValue, origin: origins[error.field], key: error.field, error.message)
        }
    }

    /// `IMServerConfiguration.validate()`, with the error naming where the value came from, then the
    /// admin-auth rule: no token is allowed only on loopback.
    package mutating func validate() throws(DaemonConfigurationError) {
        do {
            try server.validate()
        } catch {
            let setting = DaemonSetting.all.first { $0.name == error.field }
            var key = setting?.key ?? error.field
            if key == "admin_token" && tokenFile != nil { key = "admin_token_file" }
            throw DaemonConfigurationError(.invalidValue, origin: origins[key], key: key, error.message)
        }
        warnings = []
        if server.admin.token == nil, generatedTokenFile == nil, let address = server.admin.address {
            guard address.isLoopback else {
                let from = origins["admin_listen"].map { " (from \($0))" } ?? ""
                throw DaemonConfigurationError(
                    .adminTokenRequired,
                    key: "admin_token",
                    "required because admin_listen \(address)\(from) is not a loopback address; set admin_token, "
                        + "admin_token_file, --admin-token or IMD_ADMIN_TOKEN, or admin_listen = \"off\""
                )
            }
            warnings.append("admin API authentication is off (admin_token = \"\"); it listens on \(address) only")
        }
    }
}

extension IMServerConfiguration.Endpoint {
    /// 127.0.0.0/8, ::1 or localhost; "0.0.0.0" and "::" listen everywhere and are not.
    package var isLoopback: Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
