import Foundation
import NIOCore
import NIOPosix

/// The primary's directory (tokens, devices, groups, friends, sync keys) for its replicas: a whole,
/// consistent copy of the SQLite file, taken when its rows changed and shared by every replica.
///
/// Why copies and not a stream of changes: the directory is small beside the log (rows per user, not per
/// message), most of its writes are sync keys that only matter as "at least this far", and a copy is
/// always a consistent file that `SQLiteDirectory.replaceRows(withCopyAt:)` swaps in as one transaction.
/// What a failover can lose is bounded by the copy interval: 2 s, or 20 times as long as the last copy
/// took for a large directory (so copying never takes more than 5% of the time).
actor DirectoryCopies {
    /// One copy: the file's bytes and the directory's change count when it was taken.
    struct Copy: Sendable {
        var changes: Int64
        var bytes: ByteBuffer
    }

    static let minimumInterval: Duration = .seconds(2)

    let directory: SQLiteDirectory
    private var latest: Copy?
    private var takenAt: ContinuousClock.Instant?
    private var interval = DirectoryCopies.minimumInterval

    init(directory: SQLiteDirectory) {
        self.directory = directory
    }

    /// The latest copy if a replica that has the copy of `changes` (nil: none yet) should get it: a new copy
    /// is taken first when the rows changed since the latest and the interval has passed.
    func copy(newerThan changes: Int64?) async throws -> Copy? {
        if isDue() {
            let directory = self.directory
            let known = latest?.changes
            let started = ContinuousClock.now
            let taken = try await NIOThreadPool.singleton.runIfActive { () throws -> Copy? in
                if try known == directory.committedChanges(), !directory.hasPendingChanges { return nil }
                return try Self.take(directory)
            }
            takenAt = .now
            if let taken {
                latest = taken
                interval = max(Self.minimumInterval, (ContinuousClock.now - started) * 20)
            }
        }
        guard let latest, latest.changes != changes else { return nil }
        return latest
    }

    private func isDue() -> Bool {
        guard let takenAt else { return true }
        return ContinuousClock.now - takenAt >= interval
    }

    /// Blocking: the copy written next to the file, read back and removed.
    private static func take(_ directory: SQLiteDirectory) throws -> Copy {
        let path = directory.path + ".replica-copy"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let changes = try directory.snapshot(to: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DirectoryError(.io, "read the directory copy \(path)")
        }
        return Copy(changes: changes, bytes: ByteBuffer(bytes: data))
    }
}
