import Foundation
import GRDB

/// Whole-file copies of the directory, for a replica (`Replication`): the primary takes a consistent copy
/// when its rows changed, the replica replaces its rows with it.
extension SQLiteDirectory {
    /// Rows written to the file since it was opened (admin writes and flushes; SQLite's `total_changes()`):
    /// a copy is due when it moved.
    package func committedChanges() throws -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT total_changes()") ?? 0 }
    }

    /// Whether memory holds changes `flush()` has not written yet.
    package var hasPendingChanges: Bool { state.withLock { $0.hasPendingChanges } }

    /// Writes pending changes, then a consistent copy of the whole file to `path` (`VACUUM INTO`: compact,
    /// and readers and writers of this file wait only while it runs). Replaces what is at `path`. Returns
    /// `committedChanges()` as of the copy. Blocking: call it on the blocking-I/O pool.
    package func snapshot(to path: String) throws -> Int64 {
        try checkOpen()
        try writePending()
        try? FileManager.default.removeItem(atPath: path)
        do {
            return try database.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [path])
                return try Int64.fetchOne(db, sql: "SELECT total_changes()") ?? 0
            }
        } catch {
            throw DirectoryError(.io, "copy \(self.path) to \(path): \(error)")
        }
    }

    /// Replaces every row of this directory (file and memory) with those of the copy at `path`, as one
    /// transaction: a login sees the old rows or the new ones, never a mix. Changes not yet flushed here
    /// are dropped (the copy is the primary's, which is authoritative); device and group ids continue after
    /// the larger of the two. Blocking: call it on the blocking-I/O pool.
    package func replaceRows(withCopyAt path: String) throws {
        try checkOpen()
        do {
            // The copy is this server's own file (received from the primary): migrated first if the primary
            // runs an older build, so the rows land in this build's schema.
            let copy = try DatabaseQueue(path: path)
            defer { try? copy.close() }
            let migrator = SQLiteDirectory.migrator
            if try copy.read({ try migrator.hasBeenSuperseded($0) }) {
                throw DirectoryError(
                    .unsupportedFormat,
                    "the primary's directory has schema migrations this build does not know: run the primary's imd version"
                )
            }
            try migrator.migrate(copy)
            try copy.read { source in
                try database.writeWithoutTransaction { destination in
                    try source.backup(to: destination)
                    let loaded = try State.load(destination)
                    state.withLock { state in
                        var replaced = loaded
                        replaced.closed = state.closed
                        replaced.lastDeviceID = max(state.lastDeviceID, loaded.lastDeviceID)
                        replaced.lastGroupID = max(state.lastGroupID, loaded.lastGroupID)
                        state = replaced
                    }
                }
            }
        } catch let error as DirectoryError {
            throw error
        } catch {
            throw DirectoryError(.io, "replace \(self.path) with the copy \(path): \(error)")
        }
    }
}
