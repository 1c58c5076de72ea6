extension BuildInfo {
    /// The commit abbreviated as `git log --format=%h` prints it.
    package static var shortCommit: String { gitCommit == "unknown" ? gitCommit : String(gitCommit.prefix(7)) }

    /// What `imd --version` prints, GoBelieve's five lines with `Swift version` for `Go version`.
    package static var banner: String {
        """
        Version:       \(version)
        Built:         \(built)
        Swift version: \(swiftVersion)
        Git branch:    \(gitBranch)
        Git commit:    \(shortCommit)
        """
    }

    /// For logs and `/summary`: `0.1.0 (helpers 1a2b3c4, Swift 6.3.1)`.
    package static var versionDescription: String {
        "\(version) (\(gitBranch) \(shortCommit), Swift \(swiftVersion))"
    }
}
