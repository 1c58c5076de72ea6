extension BuildInfo {
    /// What `imtop --version` prints: `0.1.0 (imtop 1a2b3c4, Swift 6.3)`.
    package static var versionDescription: String {
        let commit = gitCommit == "unknown" ? gitCommit : String(gitCommit.prefix(7))
        return "\(version) (\(gitBranch) \(commit), Swift \(swiftVersion))"
    }
}
