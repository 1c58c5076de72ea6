import Foundation
import IMCore
import IMDaemonKit
import Logging
import Testing

@Suite("Daemon configuration")
struct DaemonConfigurationTests {
    @Test func flagBeatsFileBeatsEnvironmentBeatsDefault() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let environment = [
            "IMD_LISTEN": "10.0.0.1:1", "IMD_FSYNC": "none", "IMD_DATA_DIR": "/env", "IMD_LOG_LEVEL": "error",
        ]
        let file = """
            listen = "10.0.0.2:2"
            data_dir = "/file"
            [storage]
            fsync = "interval"
            """
        let configuration = try load(["--listen", "10.0.0.3:3"], environment: environment, file: file, in: directory)
        let path = directory.path + "/imd.toml"
        #expect(configuration.server.clientAddress == .init(host: "10.0.0.3", port: 3))
        #expect(configuration.origins["listen"] == .flag("--listen"))
        #expect(configuration.server.dataDirectory == "/file")
        #expect(configuration.origins["data_dir"] == .file(path))
        #expect(configuration.server.storage.fsync == .interval)
        #expect(configuration.logLevel == .error)
        #expect(configuration.origins["log_level"] == .environment("IMD_LOG_LEVEL"))
        #expect(configuration.server.session.syncBatchLimit == IMServerConfiguration().session.syncBatchLimit)
        #expect(configuration.origins["session.sync_limit"] == nil)
    }

    @Test func everySettingHasAnEnvironmentVariable() throws {
        var environment: [String: String] = [:]
        for setting in DaemonSetting.all { #expect(setting.environmentVariable.hasPrefix("IMD_")) }
        #expect(Set(DaemonSetting.all.map(\.environmentVariable)).count == DaemonSetting.all.count)
        environment["IMD_SYNC_LIMIT"] = "7"
        environment["IMD_SEGMENT_SIZE"] = "8M"
        environment["IMD_IDLE_TIMEOUT"] = "90"
        environment["IMD_ADMIN_LISTEN"] = "off"
        environment["IMD_JWT_SECRET"] = ""  // empty counts as unset
        let configuration = try load(environment: environment)
        #expect(configuration.server.session.syncBatchLimit == 7)
        #expect(configuration.server.storage.segmentSize == 8 << 20)
        #expect(configuration.server.session.idleTimeout == .seconds(90))
        #expect(configuration.server.admin.address == nil)
        #expect(configuration.server.jwtSecret == nil)
    }

    @Test func limitsFromFlagsAndFileWithTheirDefaults() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let defaults = try load(in: directory)
        #expect(defaults.server.limits.loginTimeout == .seconds(10))
        #expect(defaults.server.limits.maxConnections == FileDescriptorLimit.defaultMaxConnections)
        #expect(defaults.server.limits.maxConnections > 0)
        #expect(defaults.server.limits.maxConnectionsPerIP == 0)
        let file = """
            [limits]
            login_timeout = "off"
            max_login_failures_per_ip = 30
            message_burst = 50
            """
        let configuration = try load(
            ["--max-connections", "0", "--max-connections-per-ip", "20", "--max-messages-per-second", "10"],
            file: file,
            in: directory
        )
        let limits = configuration.server.limits
        #expect(limits.loginTimeout == .zero)
        #expect(limits.maxConnections == 0, "an explicit 0 is unlimited, not the default")
        #expect(limits.maxConnectionsPerIP == 20)
        #expect(limits.maxMessagesPerSecond == 10)
        #expect(limits.messageBurst == 50)
        #expect(limits.maxLoginFailuresPerIP == 30)
        let negative = try #require(try loadError(["--max-login-failures=-1"], in: directory))
        #expect(negative.description == "--max-login-failures: must not be negative (0 turns the limit off)")
        let badTimeout = try #require(try loadError(["--login-timeout", "soon"], in: directory))
        #expect(badTimeout.description.hasPrefix("--login-timeout: expected a duration"))
    }

    @Test func badEnvironmentAndFlagValuesNameTheirSource() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let fromEnvironment = try #require(try loadError(environment: ["IMD_FSYNC": "never"], in: directory))
        #expect(
            fromEnvironment.description
                == "environment variable IMD_FSYNC: expected one of batch, interval, none, got \"never\""
        )
        let fromFlag = try #require(try loadError(["--listen", "nowhere"], in: directory))
        #expect(fromFlag.description.hasPrefix("--listen: expected HOST:PORT"))
        let invalid = try #require(try loadError(["--threads", "0"], in: directory))
        #expect(invalid.description == "--threads: must be at least 1")
    }

    @Test func transportAndPushSettings() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = """
            ws_listen = "0.0.0.0:13891"
            wss_listen = "off"
            ws_max_message_size = "128KiB"
            push_webhook = "https://push.example.com/hook"
            push_webhook_token = "hook-token"
            push_batch_size = 500
            push_timeout = "5s"
            push_retry_initial = "250ms"
            push_retry_max = "2m"
            push_max_pending = 1000
            push_max_age = "1h"
            """
        let configuration = try load(
            ["--ws-listen", "0.0.0.0:13892"],
            environment: ["IMD_PUSH_BATCH_SIZE": "7"],
            file: file,
            in: directory
        )
        let server = configuration.server
        #expect(server.tlsAddress == nil)
        #expect(server.webSocketAddress == .init(host: "0.0.0.0", port: 13892), "the flag beats the file")
        #expect(server.secureWebSocketAddress == nil)
        #expect(server.webSocket.maxMessageSize == 128 << 10)
        #expect(server.push.webhook == "https://push.example.com/hook")
        #expect(server.push.webhookToken == "hook-token")
        #expect(server.push.batchSize == 500, "the file beats the environment")
        #expect(server.push.requestTimeout == .seconds(5))
        #expect(server.push.retryInitial == .milliseconds(250))
        #expect(server.push.retryMax == .seconds(120))
        #expect(server.push.maxPendingJobs == 1000)
        #expect(server.push.maxJobAge == .seconds(3600))
        #expect(!configuration.rendered.contains("hook-token"))
        #expect(configuration.rendered.contains("push_webhook_token = \"<redacted>\""))
        #expect(server.tls == nil)
    }

    @Test func transportAndPushErrorsNameTheKey() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let noCertificate = try #require(try loadError(["--tls-listen", "127.0.0.1:0"], in: directory))
        #expect(noCertificate.description == "--tls-listen: needs a certificate: set cert_file and key_file")
        let onlyKey = try #require(try loadError(["--key-file", directory.path + "/k.pem"], in: directory))
        #expect(onlyKey.description == "--key-file: needs cert_file too: set cert_file, --cert-file or IMD_CERT_FILE")
        let missing = directory.path + "/missing.pem"
        let unreadable = try #require(
            try loadError(file: "cert_file = \"\(missing)\"\nkey_file = \"\(missing)\"", in: directory)
        )
        #expect(
            unreadable.description
                == "\(directory.path)/imd.toml: key 'cert_file': cannot read '\(missing)': No such file or directory"
        )
        let badURL = try #require(try loadError(["--push-webhook", "push.example.com"], in: directory))
        #expect(badURL.description.hasPrefix("--push-webhook: expected an http:// or https:// URL"))
        let badRetry = try #require(
            try loadError(environment: ["IMD_PUSH_RETRY_MAX": "10ms", "IMD_PUSH_RETRY_INITIAL": "1s"], in: directory)
        )
        #expect(badRetry.description.hasPrefix("environment variable IMD_PUSH_RETRY_MAX: must not be shorter"))
        let small = try #require(try loadError(environment: ["IMD_WS_MAX_MESSAGE_SIZE": "1KiB"], in: directory))
        #expect(small.description.hasPrefix("environment variable IMD_WS_MAX_MESSAGE_SIZE: must be at least"))
    }

    @Test func adminTokenFileIsTrimmedAndLayered() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("token", "  secret-token \n\n")
        let fromFlag = try load(["--admin-token-file", tokenFile])
        #expect(fromFlag.server.admin.token == "secret-token")

        // A token file in the config file replaces a token from the environment, and a flag token replaces both.
        let environment = ["IMD_ADMIN_TOKEN": "env-token"]
        let fromFile = try load(environment: environment, file: "admin_token_file = \"\(tokenFile)\"", in: directory)
        #expect(fromFile.server.admin.token == "secret-token")
        let fromFlagToken = try load(
            ["--admin-token", "flag-token"],
            environment: environment,
            file: "admin_token_file = \"\(tokenFile)\"",
            in: directory
        )
        #expect(fromFlagToken.server.admin.token == "flag-token")
        #expect(fromFlagToken.adminTokenFile == nil)
    }

    @Test func adminTokenFileProblemsAreReported() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let missing = try #require(try loadError(["--admin-token-file", directory.path + "/none"], in: directory))
        #expect(missing.code == .unreadableFile)
        #expect(missing.description.hasPrefix("--admin-token-file: cannot read '\(directory.path)/none'"))
        let empty = try directory.write("empty", " \n")
        let emptyError = try #require(try loadError(file: "admin_token_file = \"\(empty)\"", in: directory))
        #expect(emptyError.description == "\(directory.path)/imd.toml: key 'admin_token_file': '\(empty)' is empty")
        let both = try #require(
            try loadError(file: "admin_token = \"a\"\nadmin_token_file = \"\(empty)\"", in: directory)
        )
        #expect(both.code == .conflictingSettings)
    }

    @Test(arguments: ["0.0.0.0:6666", "[::]:6666", "10.1.2.3:6666", "example.com:6666"])
    func nonLoopbackAdminWithoutTokenIsRefused(address: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(try loadError(["--admin-listen", address, "--admin-token", ""], in: directory))
        #expect(error.code == .adminTokenRequired)
        #expect(error.description.hasPrefix("admin_token: required because admin_listen"))
        #expect(error.description.contains("(from --admin-listen)"))
        let withToken = try load(["--admin-listen", address, "--admin-token", "t"])
        #expect(withToken.warnings.isEmpty)
    }

    @Test(arguments: ["127.0.0.1:6666", "127.9.9.9:1", "[::1]:6666", "localhost:6666"])
    func loopbackAdminWithoutTokenWarns(address: String) throws {
        let configuration = try load(["--admin-listen", address, "--admin-token", ""])
        #expect(configuration.server.admin.token == nil)
        #expect(configuration.warnings.count == 1)
        #expect(configuration.warnings.first?.contains("authentication is off") == true)
    }

    /// With no token configured imd makes one in its data directory at its first start and keeps it; a
    /// configured token, a token file or `admin_token = ""` (auth off) means no file.
    @Test func withoutATokenOneIsGeneratedOnceInTheDataDirectory() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let dataDirectory = directory.path + "/data"
        var first = try load(["--data-dir", dataDirectory, "--admin-listen", "0.0.0.0:6666"])
        #expect(first.warnings.isEmpty, "a generated token protects a non-loopback admin API too")
        let path = dataDirectory + "/admin-token"
        #expect(first.generatedTokenFile == path)
        #expect(try first.provideGeneratedToken() == path)
        let token = try #require(first.server.admin.token)
        #expect(token.count == 64)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == token + "\n")

        var second = try load(["--data-dir", dataDirectory])
        #expect(second.server.admin.token == token, "read back at the next start")
        #expect(try second.provideGeneratedToken() == nil)
        #expect(second.server.admin.token == token)

        for arguments in [["--admin-token", "t"], ["--admin-token", ""], ["--admin-listen", "off"]] {
            let configured = try load(["--data-dir", dataDirectory] + arguments)
            #expect(configured.generatedTokenFile == nil, "\(arguments)")
        }
        #expect(try load(["--data-dir", dataDirectory, "--admin-token", ""]).server.admin.token == nil)

        try "  \n".write(toFile: path, atomically: true, encoding: .utf8)
        let empty = try #require(try loadError(["--data-dir", dataDirectory], in: directory))
        #expect(empty.description.contains("is empty: delete it"))
    }

    @Test func renderedConfigurationRedactsSecretsAndReadsBack() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try load(
            ["--jwt-secret", "hush", "--admin-token", "hush-too", "--fsync-interval", "1500ms"],
            environment: ["IMD_SYNC_LIMIT": "42"],
            file: "listen = \"1.2.3.4:5\"\n[storage]\nsegment_size = 8388609",
            in: directory
        )
        let text = configuration.rendered
        #expect(!text.contains("hush"))
        #expect(text.contains("jwt_secret = \"<redacted>\"  # from --jwt-secret"))
        #expect(text.contains("listen = \"1.2.3.4:5\"  # from \(directory.path)/imd.toml"))
        #expect(text.contains("sync_limit = 42  # from environment variable IMD_SYNC_LIMIT"))
        #expect(text.contains("# log_file is not set"))

        // Every setting shows up, and what was rendered reads back to the same values.
        for setting in DaemonSetting.all where setting.key != "admin_token_file" {
            #expect(
                text.contains("\n\(setting.name) = ") || text.contains("# \(setting.name) is not set"),
                "\(setting.key)"
            )
        }
        let readBack = try load(
            ["--admin-token", "x"],
            file: text.replacingOccurrences(of: "\"<redacted>\"", with: "\"x\""),
            in: directory
        )
        #expect(
            readBack.rendered.replacingOccurrences(of: #"  # from [^\n]*"#, with: "", options: .regularExpression)
                == text.replacingOccurrences(of: #"  # from [^\n]*"#, with: "", options: .regularExpression)
        )
        #expect(readBack.server.storage.segmentSize == 8_388_609)
        #expect(readBack.server.storage.fsyncInterval == .milliseconds(1500))
    }
}
