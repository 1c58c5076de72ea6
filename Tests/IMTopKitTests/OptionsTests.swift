import Foundation
import IMTopKit
import Testing

@Suite("Options")
struct OptionsTests {
    func resolve(
        _ configure: (inout CommandLineOptions) -> Void = { _ in },
        environment: [String: String] = [:],
        terminal: Bool = true
    ) throws -> IMTopConfiguration {
        var options = CommandLineOptions()
        configure(&options)
        return try options.resolve(environment: environment, outputIsTerminal: terminal)
    }

    func message(_ configure: (inout CommandLineOptions) -> Void, environment: [String: String] = [:]) -> String? {
        do {
            _ = try resolve(configure, environment: environment)
            return nil
        } catch {
            return (error as? IMTopError)?.message
        }
    }

    @Test(arguments: [
        ("127.0.0.1:6666", "http://127.0.0.1:6666"),
        (":7000", "http://127.0.0.1:7000"),
        ("imd-1", "http://imd-1:6666"),
        ("http://imd-1:6666/", "http://imd-1:6666"),
        ("https://admin.example.com/summary", "https://admin.example.com"),
        ("http://[::1]:6666", "http://[::1]:6666"),
    ])
    func serversAreNormalised(_ given: String, _ url: String) throws {
        #expect(try ServerAddress.normalise(given) == url)
    }

    @Test func serversComeFromFlagsThenTheEnvironmentThenTheDefault() throws {
        #expect(try resolve().servers == ["http://127.0.0.1:6666"])
        let environment = ["IMTOP_SERVERS": "a:1, b:2"]
        #expect(try resolve(environment: environment).servers == ["http://a:1", "http://b:2"])
        #expect(try resolve({ $0.servers = ["c:3"] }, environment: environment).servers == ["http://c:3"])
        #expect(message({ $0.servers = ["a:1", "http://a:1"] }) == "--server: http://a:1 is given twice")
        #expect(
            message({ $0.servers = ["ftp://a"] })?.hasPrefix("--server: \"ftp://a\" is not an http(s) address") == true
        )
        #expect(message({ $0.servers = ["a:port"] }) == "--server: \"a:port\" has a bad port \"port\"")
    }

    @Test func theTokenComesFromAFileTheEnvironmentOrTheFlagWithAWarning() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("token")
        try "  s3cret \nsecond line\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try resolve({ $0.tokenFile = file }).token == "s3cret")
        #expect(try resolve(environment: ["IMTOP_TOKEN": "from-env"]).token == "from-env")
        let flagged = try resolve({ $0.token = "t" }, environment: ["IMTOP_TOKEN": "from-env"])
        #expect(flagged.token == "t")
        #expect(flagged.warnings.first?.contains("visible to every user in the process list") == true)
        #expect(
            message({ $0.tokenFile = directory.file("missing") })
                == "--token-file: cannot read \(directory.file("missing"))"
        )
        try "\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(message({ $0.tokenFile = file }) == "--token-file: \(file) is empty")
        #expect(
            message({
                $0.token = "a"
                $0.tokenFile = file
            }) == "--token and --token-file: choose one"
        )
    }

    @Test func theModeFollowsTheFlagsAndTheTerminal() throws {
        #expect(try resolve().mode == .screen)
        #expect(try resolve(terminal: false).mode == .batch)
        #expect(try resolve({ $0.json = true }).mode == .batch)
        #expect(try resolve({ $0.iterations = 3 }).mode == .batch)
        let check = try resolve({ $0.check = true })
        #expect(check.mode == .check)
        #expect(check.interval == 1, "--check defaults to a 1 s interval")
        #expect(try resolve().interval == 2)
        #expect(try resolve({ $0.interval = "500ms" }).interval == 0.5)
    }

    @Test(arguments: [
        ("interval=0", "--interval: must be between 0.1 and 3600 seconds, got 0.0"),
        ("interval=soon", "--interval: \"soon\" is not a duration (e.g. 2, 0.5, 500ms, 1m)"),
        ("n=0", "-n: must be at least 1, got 0"),
        ("check n=2", "-n: --check takes its own two samples"),
        ("record=a replay=b", "--record and --replay: choose one"),
        ("speed=2", "--speed: only with --replay"),
        (
            "sort=latency",
            "--sort: unknown column \"latency\" (columns: node, conns, clients, users, in, out, appends, fsync, cpu, rss)"
        ),
        ("check batch", "--check and --batch: choose one"),
    ])
    func badCombinationsNameTheFlag(_ flags: String, _ expected: String) {
        let result = message { options in
            for flag in flags.split(separator: " ") {
                let parts = flag.split(separator: "=").map(String.init)
                switch parts[0] {
                case "interval": options.interval = parts[1]
                case "n": options.iterations = Int(parts[1])
                case "check": options.check = true
                case "batch": options.batch = true
                case "record": options.record = parts[1]
                case "replay": options.replay = parts[1]
                case "speed": options.speed = Double(parts[1])
                case "sort": options.sort = parts[1]
                default: Issue.record("unknown flag \(flag)")
                }
            }
        }
        #expect(result == expected)
    }

    @Test func thresholdsLayerDefaultsFileAndFlags() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("thresholds")
        try "fsync_ms 5 50\n".write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = try resolve {
            $0.thresholdsFile = file
            $0.crit = ["fsync_ms=40"]
        }
        #expect(
            configuration.thresholds.limits[.fsync]
                == .init(warning: ThresholdRange(high: 5), critical: ThresholdRange(high: 40))
        )
        #expect(configuration.thresholds.limits[.cpu] != nil, "the defaults stay")
        #expect(try resolve({ $0.noDefaultThresholds = true }).thresholds.limits.isEmpty)
        #expect(try resolve(environment: ["NO_COLOR": "1"]).color == false)
    }
}
