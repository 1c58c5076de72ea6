import Foundation
import NIOCore
import Synchronization

/// The server's current sensitive-word filter, read from `IMServerConfiguration.wordFile` at start and
/// again on `reload()` (admin `POST /words/reload`), without a restart.
///
/// Messages sent with the TEXT flag (peer and group) have the `text` field of their JSON content
/// filtered before they are stored (PROTOCOL.md §3 step 3).
package final class WordList: Sendable {
    /// The word file; nil: no filtering.
    package let path: String?
    private let current: TracedMutex<WordFilter?>

    /// A list that filters nothing.
    package init() {
        self.path = nil
        self.current = TracedMutex(nil)
    }

    /// Reads `path` (nil: no filter). Throws `IMServerError` naming the file and `word_file`.
    package init(path: String?) throws {
        self.path = path
        self.current = TracedMutex(try path.map(WordList.read))
    }

    /// Re-reads the word file and swaps the filter in; returns the number of words. On error the
    /// previous filter stays. Throws if no word file is configured or it cannot be read.
    @discardableResult
    package func reload() throws -> Int {
        guard let path else { throw IMServerError("no word file is configured (word_file)") }
        let filter = try WordList.read(path)
        current.withLock { $0 = filter }
        return filter.wordCount
    }

    /// The number of words in use (0 with no filter).
    package var wordCount: Int { current.withLock { $0?.wordCount ?? 0 } }

    /// `content` with the `text` field of its JSON object filtered, or nil when nothing changes (not
    /// JSON, no string `text`, no word found, or no filter).
    package func filter(_ content: ByteBuffer) -> ByteBuffer? {
        // No word file: no lock taken on the message path.
        guard path != nil, let filter = current.withLock({ $0 }), !filter.isEmpty,
            var object = (try? JSONSerialization.jsonObject(with: Data(content.readableBytesView))) as? [String: Any],
            let text = object["text"] as? String,
            let replaced = filter.replacing(in: text)
        else { return nil }
        object["text"] = replaced
        // Sorted keys, as GoBelieve's re-encoding (Go maps marshal sorted).
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return nil }
        return ByteBuffer(bytes: data)
    }

    private static func read(_ path: String) throws -> WordFilter {
        do {
            return WordFilter(fileContents: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw IMServerError("cannot read the word file \(path) (word_file): \(error.localizedDescription)")
        }
    }
}
