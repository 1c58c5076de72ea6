import Foundation
import NIOPosix

/// The server's long-lived parts behind its ports, opened from the configuration: the one place that
/// chooses the backend (today the embedded one: `LogStore` and `SQLiteDirectory` in `data_dir`).
struct ServerBackend: Sendable {
    var store: any MessageStore
    var directory: any Directory
    var words: WordList
    /// The offline push hook's sender, when a webhook is configured.
    var push: PushDispatcher?

    /// Opens every part on the blocking-I/O pool (recovery reads and fsyncs files; never on a thread of
    /// the concurrency pool, which everything else async in the process shares). On failure what was
    /// opened is closed again and the error names the configuration field.
    static func open(_ configuration: IMServerConfiguration) async throws -> ServerBackend {
        try await NIOThreadPool.singleton.runIfActive { try openEmbedded(configuration) }
    }

    private static func openEmbedded(_ configuration: IMServerConfiguration) throws -> ServerBackend {
        let root = URL(fileURLWithPath: configuration.dataDirectory)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw IMServerError("cannot create the data directory \(root.path) (data_dir): \(error)")
        }
        var storeConfiguration = LogStoreConfiguration(directory: root.appendingPathComponent("messages").path)
        storeConfiguration.fsync = configuration.storage.fsync
        storeConfiguration.fsyncInterval = configuration.storage.fsyncInterval
        storeConfiguration.segmentSize = configuration.storage.segmentSize
        storeConfiguration.snapshotEveryBytes = configuration.storage.snapshotEveryBytes
        storeConfiguration.snapshotInterval = configuration.storage.snapshotInterval
        storeConfiguration.logger = configuration.logger
        let words = try WordList(path: configuration.wordFile)
        let store = try LogStore(configuration: storeConfiguration)
        do {
            let directory = try SQLiteDirectory(
                path: root.appendingPathComponent("directory.sqlite").path,
                logger: configuration.logger
            )
            do {
                let push = try openPush(configuration, root: root)
                return ServerBackend(store: store, directory: directory, words: words, push: push)
            } catch {
                try? directory.closeNow()
                throw error
            }
        } catch {
            try? store.close()
            throw error
        }
    }

    /// The push hook's sender; nil without a webhook (a queue file left from an earlier run is kept).
    private static func openPush(_ configuration: IMServerConfiguration, root: URL) throws -> PushDispatcher? {
        guard configuration.push.webhook != nil else {
            let leftover = root.appendingPathComponent("push.sqlite").path
            if FileManager.default.fileExists(atPath: leftover) {
                configuration.logger.notice(
                    "\(leftover) is kept but not sent: no push_webhook is configured (delete it to discard its jobs)"
                )
            }
            return nil
        }
        return try PushDispatcher(
            configuration: configuration.push,
            dataDirectory: root.path,
            version: configuration.version,
            logger: configuration.logger
        )
    }
}
