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
        let error = try #require(try loadError(["--admin-listen", address], in: directory))
        #expect(error.code == .adminTokenRequired)
        #expect(error.description.hasPrefix("admin_token: required because admin_listen"))
        #expect(error.description.contains("(from --admin-listen)"))
        let withToken = try load(["--admin-listen", address, "--admin-token", "t"])
        #expect(withToken.warnings.isEmpty)
    }

    @Test(arguments: ["127.0.0.1:6666", "127.9.9.9:1", "[::1]:6666", "localhost:6666"])
    func loopbackAdminWithoutTokenWarns(address: String) throws {
        let configuration = try load(["--admin-listen", address])
        #expect(configuration.server.admin.token == nil)
        #expect(configuration.warnings.count == 1)
        #expect(configuration.warnings.first?.contains("authentication is off") == true)
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
