import Foundation
import IMConfigFile

/// No open admin API by default: with the admin API on and neither `admin_token` nor `admin_token_file`
/// set, imd uses the token in `data_dir/admin-token`, and generates it (random, mode 0600) on its first
/// start. imctl and imtop on the same machine read it (`IMAdminCredentials.localTokenFiles`), as Jupyter
/// and Redis's protected mode do. `admin_token = ""` turns authentication off instead (loopback only).
extension DaemonConfiguration {
    /// The file's name in the data directory.
    package static let generatedTokenFileName = "admin-token"

    /// Chooses `data_dir/admin-token` when no token is configured, and reads it if it exists already.
    mutating func chooseGeneratedToken() throws(DaemonConfigurationError) {
        guard server.admin.address != nil, origins["admin_token"] == nil, origins["admin_token_file"] == nil else {
            return
        }
        let path = (server.dataDirectory as NSString).appendingPathComponent(Self.generatedTokenFileName)
        generatedTokenFile = path
        guard FileManager.default.fileExists(atPath: path) else { return }
        server.admin.token = try Self.readGeneratedToken(path)
    }

    /// Creates the generated token file if it does not exist yet (imd calls this at start, not
    /// `--check-config`); returns its path when it was created now.
    package mutating func provideGeneratedToken() throws(DaemonConfigurationError) -> String? {
        guard let path = generatedTokenFile, server.admin.token == nil else { return nil }
        do {
            try FileManager.default.createDirectory(atPath: server.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw DaemonConfigurationError(
                .unreadableFile,
                key: "data_dir",
                "cannot create \(server.dataDirectory) for the admin token: \(error.localizedDescription)"
            )
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }
            .joined()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            // Another imd on this data directory made it first: use that one.
            if errno == EEXIST {
                server.admin.token = try Self.readGeneratedToken(path)
                return nil
            }
            throw DaemonConfigurationError(
                .unreadableFile,
                key: "data_dir",
                "cannot create the admin token file \(path): \(String(cString: strerror(errno)))"
            )
        }
        let line = Array((token + "\n").utf8)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == line.count, synced == 0 else {
            unlink(path)
            throw DaemonConfigurationError(.unreadableFile, key: "data_dir", "cannot write the admin token file \(path)")
        }
        server.admin.token = token
        return path
    }

    private static func readGeneratedToken(_ path: String) throws(DaemonConfigurationError) -> String {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw DaemonConfigurationError(
                .unreadableFile,
                key: "admin_token",
                "cannot read the generated admin token \(path): \(error.reason)"
            )
        }
        let token = text.trimmingWhitespace
        guard !token.isEmpty else {
            throw DaemonConfigurationError(
                .invalidValue,
                key: "admin_token",
                "the generated admin token \(path) is empty: delete it and imd makes a new one"
            )
        }
        return token
    }
}
