import Foundation

/// The admin token and where it came from, resolved from a flag, a file or the environment.
///
/// Precedence: an explicit token, then a token file, then the environment's token variable, then its
/// token-file variable, then, for a server on this machine, the token imd keeps for local tools
/// (`localTokenFiles`). A token given on the command line shows in process lists (`ps`), so resolving one
/// adds a warning; so does a token file others can read.
public struct IMAdminCredentials: Sendable, Equatable {
    /// Where the token came from.
    public enum Source: Sendable, Equatable {
        case argument
        case file(String)
        case environment(String)
        case none
    }

    /// nil: send no `Authorization` header (a server with auth off on loopback).
    public var token: String?
    /// Where `token` came from, for messages ("the token in IMCTL_TOKEN is wrong").
    public var source: Source
    /// Things the user should know (a token on the command line, a world-readable token file).
    public var warnings: [String]

    /// A token from `source`, with `warnings` for the user.
    public init(token: String?, source: Source, warnings: [String] = []) {
        self.token = token
        self.source = source
        self.warnings = warnings
    }

    /// Resolves the token.
    ///
    /// - Parameters:
    ///   - token: A token given directly (imctl's `--token`).
    ///   - tokenFile: A file holding the token (`--token-file`); surrounding whitespace is trimmed.
    ///   - environment: The process environment, or a test's.
    ///   - tokenVariable: The variable holding a token. Default `IMCTL_TOKEN`.
    ///   - fileVariable: The variable naming a token file. Default `IMCTL_TOKEN_FILE`.
    ///   - argumentName: How the direct token is called in warnings. Default `--token`.
    ///   - localServer: Whether every server asked is on this machine (a loopback address): then, with no
    ///     token given, the first readable file of `localTokenFiles` is used. Never for a remote server,
    ///     which must not be sent this machine's token.
    /// - Throws: `.invalidConfiguration` if both a token and a file are given, or the file is unreadable
    ///   or empty; the message names the file.
    public static func resolve(
        token: String?,
        tokenFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        tokenVariable: String = "IMCTL_TOKEN",
        fileVariable: String = "IMCTL_TOKEN_FILE",
        argumentName: String = "--token",
        localServer: Bool = false
    ) throws(IMAdminError) -> IMAdminCredentials {
        if token != nil && tokenFile != nil {
            throw IMAdminError(
                .invalidConfiguration,
                "give the admin token once: \(argumentName) or a token file, not both"
            )
        }
        if let token {
            guard !token.isEmpty else {
                throw IMAdminError(.invalidConfiguration, "\(argumentName): the token is empty")
            }
            return IMAdminCredentials(
                token: token,
                source: .argument,
                warnings: [
                    "\(argumentName) shows the admin token to anyone who can list processes; prefer \(tokenVariable) or a token file"
                ]
            )
        }
        if let tokenFile { return try read(file: tokenFile) }
        if let value = environment[tokenVariable], !value.isEmpty {
            return IMAdminCredentials(token: value, source: .environment(tokenVariable))
        }
        if let file = environment[fileVariable], !file.isEmpty { return try read(file: file) }
        if localServer, let file = localTokenFiles(environment: environment).first(where: isReadable) {
            return try read(file: file)
        }
        return IMAdminCredentials(token: nil, source: .none)
    }

    /// Where imd keeps the admin token for tools on its machine, in the order tried: the token it
    /// generates in its data directory (`$IMD_DATA_DIR`, then its default `./data`, then the packaged
    /// service's `/var/lib/imd`), then the one `scripts/install.sh` writes (`/etc/imd`,
    /// `/usr/local/etc/imd`).
    public static func localTokenFiles(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var directories: [String] = []
        if let dataDirectory = environment["IMD_DATA_DIR"], !dataDirectory.isEmpty { directories.append(dataDirectory) }
        directories += ["./data", "/var/lib/imd", "/etc/imd", "/usr/local/etc/imd"]
        return directories.map { ($0 as NSString).appendingPathComponent("admin-token") }
    }

    private static func isReadable(_ path: String) -> Bool {
        FileManager.default.isReadableFile(atPath: path)
    }

    private static func read(file path: String) throws(IMAdminError) -> IMAdminCredentials {
        // FileHandle, not FileManager: a pipe (`--token-file <(pass show im/admin)`) or /dev/stdin works too.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw IMAdminError(.invalidConfiguration, "cannot read the token file \(path): \(unreadableReason(path))")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw IMAdminError(.invalidConfiguration, "the token file \(path) is empty") }
        var warnings: [String] = []
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
            mode & 0o077 != 0
        {
            warnings.append(
                "the token file \(path) can be read by other users (mode \(String(mode & 0o777, radix: 8))); chmod 600 it"
            )
        }
        return IMAdminCredentials(token: token, source: .file(path), warnings: warnings)
    }

    /// Why `path` could not be read, in a few words.
    static func unreadableReason(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return "read error"
    }
}
