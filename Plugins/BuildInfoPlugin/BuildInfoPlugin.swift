import Foundation
import PackagePlugin

/// Generates `BuildInfo.swift` (version, build date, compiler, git branch and commit) for the target that
/// uses it, as GoBelieve stamps its binaries with `-ldflags -X`.
///
/// The command reruns when the VERSION file or git's HEAD or its reflog changes (every commit, checkout
/// and reset writes `logs/HEAD`), so `imd --version` names the commit it was built from without
/// rebuilding on every build.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildInfo.swift")
        var inputs = [package.appendingPathComponent("VERSION")]
        if let gitDirectory = Self.gitDirectory(of: package) {
            inputs += [gitDirectory.appendingPathComponent("HEAD"), gitDirectory.appendingPathComponent("logs/HEAD")]
        }
        return [
            .buildCommand(
                displayName: "Generating BuildInfo.swift for \(target.name)",
                executable: try context.tool(named: "BuildInfoGenerator").url,
                arguments: [package.path, output.path],
                inputFiles: inputs.filter { FileManager.default.fileExists(atPath: $0.path) },
                outputFiles: [output]
            )
        ]
    }

    /// `.git`, or where a `.git` file (`gitdir: ...`, a worktree) points.
    private static func gitDirectory(of package: URL) -> URL? {
        let dotGit = package.appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let data = FileManager.default.contents(atPath: dotGit.path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        return URL(fileURLWithPath: path, relativeTo: package.appendingPathComponent("/")).standardizedFileURL
    }
}
