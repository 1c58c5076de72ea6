import Foundation
import IMAdminClient

/// imtop's flags as given, before checks and defaults; `resolve` turns them into an `IMTopConfiguration`.
/// The executable's argument parser fills this in; keeping the rules here makes them testable.
package struct CommandLineOptions: Sendable {
    package var servers: [String] = []
    package var token: String?
    package var tokenFile: String?
    package var interval: String?
    package var timeout: String?
    package var iterations: Int?
    package var batch = false
    package var json = false
    package var check = false
    package var sort: String?
    package var reverse = false
    package var noDiscover = false
    package var apps = false
    package var warn: [String] = []
    package var crit: [String] = []
    package var thresholdsFile: String?
    package var noDefaultThresholds = false
    package var noColor = false
    package var ascii = false
    package var record: String?
    package var replay: String?
    package var speed: Double?

    package init() {}

    /// Checks the flags against each other and fills in defaults.
    ///
    /// - Parameters:
    ///   - environment: `IMTOP_SERVERS`, `IMTOP_TOKEN`, `NO_COLOR` are read from it.
    ///   - outputIsTerminal: without a terminal on stdout imtop prints batch lines.
    /// - Throws: `IMTopError` (usage) naming the flag.
    package func resolve(
        environment: [String: String],
        outputIsTerminal: Bool
    ) throws(IMTopError)
        -> IMTopConfiguration
    {
        if check && batch { throw IMTopError.usage("--check and --batch: choose one") }
        if check && iterations != nil { throw IMTopError.usage("-n: --check takes its own two samples") }
        if let iterations, iterations < 1 { throw IMTopError.usage("-n: must be at least 1, got \(iterations)") }
        if record != nil && replay != nil { throw IMTopError.usage("--record and --replay: choose one") }
        if speed != nil && replay == nil { throw IMTopError.usage("--speed: only with --replay") }
        if let speed, !(speed > 0 && speed <= 1000) { throw IMTopError.usage("--speed: must be above 0, got \(speed)") }
        if replay != nil && !servers.isEmpty {
            throw IMTopError.usage("--server: not with --replay (the recording names its servers)")
        }

        let mode: IMTopConfiguration.Mode =
            check ? .check : (batch || json || iterations != nil || !outputIsTerminal) ? .batch : .screen

        var resolvedServers: [String] = []
        if replay == nil {
            if !servers.isEmpty {
                for server in servers { resolvedServers.append(try ServerAddress.normalise(server)) }
            } else if let list = environment["IMTOP_SERVERS"], !list.trimmingCharacters(in: .whitespaces).isEmpty {
                resolvedServers = try ServerAddress.list(list, option: "IMTOP_SERVERS")
            } else {
                resolvedServers = [ServerAddress.defaultServer]
            }
            var seen = Set<String>()
            for server in resolvedServers where !seen.insert(server).inserted {
                throw IMTopError.usage("--server: \(server) is given twice")
            }
        }

        var warnings: [String] = []
        let token: String?
        switch (self.token, tokenFile) {
        case (.some, .some): throw IMTopError.usage("--token and --token-file: choose one")
        case (let flag?, nil):
            guard !flag.isEmpty else { throw IMTopError.usage("--token: empty") }
            warnings.append(
                "imtop: --token is visible to every user in the process list; prefer --token-file or IMTOP_TOKEN"
            )
            token = flag
        case (nil, let file?):
            token = try Self.readToken(file)
        case (nil, nil):
            if let fromEnvironment = environment["IMTOP_TOKEN"], !fromEnvironment.isEmpty {
                token = fromEnvironment
            } else {
                token = try Self.localToken(for: resolvedServers, environment: environment)
            }
        }

        let interval =
            try interval.map { text throws(IMTopError) in try Self.seconds(text, option: "--interval") }
            ?? (mode == .check ? 1 : 2)
        guard interval >= 0.1 && interval <= 3600 else {
            throw IMTopError.usage("--interval: must be between 0.1 and 3600 seconds, got \(interval)")
        }
        let timeout =
            try timeout.map { text throws(IMTopError) in try Self.seconds(text, option: "--timeout") }
            ?? max(1, min(5, interval))
        guard timeout > 0 && timeout <= 600 else { throw IMTopError.usage("--timeout: must be above 0, at most 600 s") }

        var sortColumn = NodeSortColumn.node
        if let sort {
            guard let column = NodeSortColumn(rawValue: sort.lowercased()) else {
                let names = NodeSortColumn.allCases.map(\.rawValue).joined(separator: ", ")
                throw IMTopError.usage("--sort: unknown column \"\(sort)\" (columns: \(names))")
            }
            sortColumn = column
        }

        var thresholds = noDefaultThresholds ? Thresholds() : Thresholds.defaults
        if let thresholdsFile { try thresholds.load(file: thresholdsFile) }
        for assignment in warn { try thresholds.set(assignment, level: .warning, option: "--warn") }
        for assignment in crit { try thresholds.set(assignment, level: .critical, option: "--crit") }

        return IMTopConfiguration(
            mode: mode,
            servers: resolvedServers,
            token: token,
            interval: interval,
            timeout: timeout,
            iterations: iterations,
            json: json,
            sort: sortColumn,
            reversed: reverse,
            apps: apps,
            discover: !noDiscover,
            thresholds: thresholds,
            color: !noColor && (environment["NO_COLOR"] ?? "").isEmpty,
            ascii: ascii,
            record: record,
            replay: replay,
            speed: speed ?? 1,
            warnings: warnings
        )
    }

    /// For servers all on this machine, the token imd keeps for local tools (`IMAdminCredentials`); nil
    /// for a remote one, which must not be sent it.
    static func localToken(for servers: [String], environment: [String: String]) throws(IMTopError) -> String? {
        let local = servers.allSatisfy { (try? IMAdminServerURL(parsing: $0))?.isLoopback == true }
        guard local else { return nil }
        let file = IMAdminCredentials.localTokenFiles(environment: environment).first {
            FileManager.default.isReadableFile(atPath: $0)
        }
        return try file.map { path throws(IMTopError) in try readToken(path) }
    }

    /// The token in `file`: its first line, trimmed.
    static func readToken(_ file: String) throws(IMTopError) -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw IMTopError.usage("--token-file: cannot read \(file)")
        }
        let token =
            String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !token.isEmpty else { throw IMTopError.usage("--token-file: \(file) is empty") }
        return token
    }

    /// Seconds from "2", "0.5", "500ms", "2s", "1m".
    static func seconds(_ text: String, option: String) throws(IMTopError) -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        var number = Substring(text)
        var factor = 1.0
        for (suffix, multiplier) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            factor = multiplier
            break
        }
        guard let value = Double(number), value.isFinite else {
            throw IMTopError.usage("\(option): \"\(text)\" is not a duration (e.g. 2, 0.5, 500ms, 1m)")
        }
        return value * factor
    }
}
