import Foundation
import IMConfigFile
import IMCore
import IMDaemonKit
import Logging
import Testing

@Suite("Config file")
struct ConfigFileTests {
    @Test func everyKeyIsRead() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("token", "file-token\n")
        let configuration = try load(
            file: """
                data_dir = "/var/lib/imd"
                listen = "10.0.0.1:23001"
                admin_listen = "127.0.0.2:6667"
                admin_token_file = "\(tokenFile)"
                jwt_secret = "jwt"
                node_id = "node-7"
                threads = 3
                kefu_appid = 1234
                log_level = "debug"
                log_file = "/var/log/imd.log"

                [storage]
                fsync = "interval"
                fsync_interval = "250ms"
                segment_size = "16MiB"
                snapshot_every_bytes = 1048576
                snapshot_interval = 60

                [session]
                idle_timeout = "5m"
                sync_limit = 100
                max_queued_pushes = 50
                write_buffer_high_water = "128KiB"
                max_pending_reply_bytes = "1GiB"
                max_connections_per_user = 4
                """,
            in: directory
        )
        let server = configuration.server
        #expect(server.dataDirectory == "/var/lib/imd")
        #expect(server.clientAddress == .init(host: "10.0.0.1", port: 23001))
        #expect(server.admin.address == .init(host: "127.0.0.2", port: 6667))
        #expect(server.admin.token == "file-token")
        #expect(configuration.adminTokenFile == tokenFile)
        #expect(server.jwtSecret == "jwt")
        #expect(server.nodeID == "node-7")
        #expect(server.eventLoopThreads == 3)
        #expect(server.kefuAppID == 1234)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFile == "/var/log/imd.log")
        #expect(server.storage.fsync == .interval)
        #expect(server.storage.fsyncInterval == .milliseconds(250))
        #expect(server.storage.segmentSize == 16 << 20)
        #expect(server.storage.snapshotEveryBytes == 1 << 20)
        #expect(server.storage.snapshotInterval == .seconds(60))
        #expect(server.session.idleTimeout == .seconds(300))
        #expect(server.session.syncBatchLimit == 100)
        #expect(server.session.maxQueuedPushes == 50)
        #expect(server.session.writeBufferHighWater == 128 << 10)
        #expect(server.session.maxPendingReplyBytes == 1 << 30)
        #expect(server.session.maxConnectionsPerUser == 4)
        #expect(configuration.warnings.isEmpty)
    }

    @Test func noFileMeansDefaults() throws {
        let configuration = try load()
        let defaults = IMServerConfiguration()
        #expect(configuration.server.dataDirectory == "./data")
        #expect(configuration.server.clientAddress == .init(host: "0.0.0.0", port: 23000))
        #expect(configuration.server.admin.address == .init(host: "127.0.0.1", port: 6666))
        #expect(configuration.server.admin.token == nil, "generated at imd's first start, not by loading")
        #expect(configuration.generatedTokenFile == "./data/admin-token")
        #expect(configuration.server.storage.fsync == defaults.storage.fsync)
        #expect(configuration.server.session.syncBatchLimit == defaults.session.syncBatchLimit)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFile == nil)
        #expect(configuration.origins.isEmpty)
        #expect(configuration.warnings.isEmpty)
        // The node id names the host and the client port: two nodes on one host differ.
        #expect(configuration.server.nodeID == "\(ProcessInfo.processInfo.hostName):23000")
        #expect(try load(["--listen", "127.0.0.1:23001"]).server.nodeID.hasSuffix(":23001"))
        #expect(try load(["--listen", "127.0.0.1:23001", "--node-id", "im-1"]).server.nodeID == "im-1")
    }

    @Test(arguments: [
        ("listne = \"1.2.3.4:5\"", "listne"),
        ("[storage]\nfsnyc = \"none\"", "storage.fsnyc"),
        ("[stroage]\nfsync = \"none\"", "stroage"),
        ("fsync = \"none\"", "fsync"),
    ])
    func unknownKeyNamesKeyAndFile(text: String, key: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(try loadError(file: text, in: directory))
        #expect(error.code == .unknownKey)
        #expect(error.key == key)
        #expect(error.description == "\(directory.path)/imd.toml: unknown key '\(key)'")
    }

    @Test(arguments: [
        ("threads = \"4\"", "threads", "expected an integer, got \"4\""),
        ("listen = 23000", "listen", "expected HOST:PORT"),
        ("listen = \"localhost\"", "listen", "got \"localhost\""),
        ("listen = \"1.2.3.4:70000\"", "listen", "expected HOST:PORT"),
        ("admin_listen = \"127.0.0.1:x\"", "admin_listen", "expected HOST:PORT"),
        (
            "[storage]\nfsync = \"sometimes\"", "storage.fsync",
            "expected one of batch, interval, none, got \"sometimes\""
        ),
        ("[storage]\nfsync_interval = \"soon\"", "storage.fsync_interval", "expected a positive duration"),
        ("[storage]\nfsync_interval = 0", "storage.fsync_interval", "got integer 0"),
        ("[storage]\nsegment_size = \"big\"", "storage.segment_size", "expected a positive size"),
        ("[session]\nidle_timeout = true", "session.idle_timeout", "got boolean true"),
        ("log_level = \"loud\"", "log_level", "expected one of trace, debug, info"),
        ("data_dir = [\"a\"]", "data_dir", "got a TOML array"),
        ("storage = 1", "storage", "expected a table [storage]"),
    ])
    func wrongValueNamesKeyFileAndExpectation(text: String, key: String, message: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(try loadError(file: text, in: directory))
        #expect(error.code == .invalidValue)
        #expect(error.key == key)
        #expect(error.origin == .file(directory.path + "/imd.toml"))
        #expect(error.description.hasPrefix("\(directory.path)/imd.toml: key '\(key)': "))
        #expect(error.description.contains(message), "\(error)")
    }

    @Test(arguments: [
        ("[session]\nsync_limit = 0", "session.sync_limit", "must be at least 1"),
        ("[storage]\nsegment_size = \"1MiB\"", "storage.segment_size", "must be at least 4 MiB"),
        ("threads = 0", "threads", "must be at least 1"),
        ("jwt_secret = \"\"", "jwt_secret", "must not be empty"),
    ])
    func validationErrorsNameTheFile(text: String, key: String, message: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(try loadError(file: text, in: directory))
        #expect(error.code == .invalidValue)
        #expect(error.description.hasPrefix("\(directory.path)/imd.toml: key '\(key)': \(message)"), "\(error)")
        #expect(error.origin == .file(directory.path + "/imd.toml"))
        #expect(error.key == key)
    }

    @Test func malformedTOMLNamesFileAndLine() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(try loadError(file: "data_dir = \"a\"\nlisten = \n", in: directory))
        #expect(error.code == .malformedFile)
        #expect(error.description.hasPrefix("\(directory.path)/imd.toml: line 2"))
    }

    /// A NUL is an error with its place (found by Fuzz/FuzzConfig: the TOML parser imd had, toml++ through
    /// TOMLKit, read the text as a C string and aborted on a NUL or a `#` in a table header).
    @Test(arguments: [
        ("data_dir = \"a\"\n[\0storage]\n", "line 2, column 2: expected a key, found U+0000"),
        ("listen = \"127.0.0.1:1\"\0\n", "line 1, column 23: expected the end of the line, found U+0000"),
        ("data_dir = \"a\"\n[#storage]\n", "line 2, column 2: expected a key, found '#'"),
    ])
    func malformedFilesAreRefusedWithThePlace(text: String, problem: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(try loadError(file: text, in: directory))
        #expect(error.code == .malformedFile)
        #expect(error.description == "\(directory.path)/imd.toml: \(problem)")
    }

    @Test func missingFileIsAnError() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(try loadError(["--config", directory.path + "/absent.toml"], in: directory))
        #expect(error.code == .unreadableFile)
        #expect(error.description == "\(directory.path)/absent.toml: cannot read: No such file or directory")
    }

    @Test func adminListenOffDisablesTheAdminAPI() throws {
        let configuration = try load(file: "admin_listen = \"off\"")
        #expect(configuration.server.admin.address == nil)
        #expect(configuration.warnings.isEmpty)
    }
}
