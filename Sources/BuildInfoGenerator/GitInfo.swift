import Foundation

/// The branch and commit of a checkout, read from the files in `.git` without running `git`.
///
/// Handles a `.git` directory and a `.git` file (`gitdir: ...`, as in worktrees and submodules), refs in
/// `commondir`, loose and packed refs, and a detached HEAD (branch `HEAD`, as `git rev-parse --abbrev-ref`
/// prints). Anything missing reads as "unknown".
struct GitInfo {
    var branch = "unknown"
    var commit = "unknown"

    init(packageDirectory: URL) {
        guard let gitDirectory = Self.gitDirectory(of: packageDirectory),
            let head = Self.read(gitDirectory.appendingPathComponent("HEAD"))
        else { return }
        let common = Self.read(gitDirectory.appendingPathComponent("commondir")).map {
            URL(fileURLWithPath: $0, relativeTo: gitDirectory.appendingPathComponent("/")).standardizedFileURL
        }
        if head.hasPrefix("ref:") {
            let ref = head.dropFirst(4).trimmingCharacters(in: .whitespaces)
            branch = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
            let places = [gitDirectory, common].compactMap { $0 }
            if let sha = places.lazy.compactMap({ Self.resolve(ref, in: $0) }).first { commit = sha }
        } else if Self.isObjectName(head) {
            branch = "HEAD"
            commit = head
        }
    }

    /// The `.git` directory, following a `gitdir:` file.
    static func gitDirectory(of packageDirectory: URL) -> URL? {
        let dotGit = packageDirectory.appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let text = read(dotGit), text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        return URL(fileURLWithPath: path, relativeTo: packageDirectory.appendingPathComponent("/")).standardizedFileURL
    }

    private static func resolve(_ ref: String, in directory: URL) -> String? {
        if let loose = read(directory.appendingPathComponent(ref)), isObjectName(loose) { return loose }
        guard let packed = read(directory.appendingPathComponent("packed-refs")) else { return nil }
        for line in packed.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("^") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1] == ref, isObjectName(String(parts[0])) { return String(parts[0]) }
        }
        return nil
    }

    private static func isObjectName(_ text: String) -> Bool {
        (40...64).contains(text.count) && text.allSatisfy(\.isHexDigit)
    }

    private static func read(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
