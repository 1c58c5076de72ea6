import IMAdminAPI

/// The sensitive-word filter's list.
enum WordHandlers {
    /// `POST /words/reload`: re-reads the word file; the old list stays if it cannot be read.
    static func reload(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMAdmin.WordCount {
        let words = admin.core.messages.words
        guard words.path != nil else {
            throw AdminError(.conflict, "word_file: no word file is configured; set it and restart")
        }
        do {
            let count = try words.reload()
            admin.core.logger.info("reloaded the word file", metadata: ["words": "\(count)"])
            return IMAdmin.WordCount(words: count)
        } catch {
            throw AdminError(.internalServerError, "\(error); the previous word list stays in use")
        }
    }

    /// `GET /words`: the file and the number of words in use.
    static func show(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMAdmin.WordList {
        IMAdmin.WordList(file: admin.core.messages.words.path, words: admin.core.messages.words.wordCount)
    }
}
