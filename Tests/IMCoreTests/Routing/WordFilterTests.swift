import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Sensitive-word filter")
struct WordFilterTests {
    @Test(
        arguments: [
            (["bad"], "a bad day", "a *** day"),
            (["bad"], "nothing here", nil),
            (["he", "she", "hers"], "ushers", "u*****"),
            (["ab", "xabcy"], "xabcy!", "*****!"),
            (["abc", "bcd"], "abcde", "****e"),
            (["共产党"], "我为共*产党续一秒", "我为****续一秒"),
            (["bad"], "b a d news", "***** news"),
            (["bad"], "so  bad  bad!", "so  ********!"),
            (["bad"], "Bad", nil),
            (["a"], "aaa", "***"),
            ([String](), "bad", nil),
            (["  ", "*"], "bad", nil),
        ] as [([String], String, String?)]
    )
    func replacesEveryWordFound(words: [String], text: String, expected: String?) {
        #expect(WordFilter(words: words).replacing(in: text) == expected)
    }

    @Test func parsesAWordFile() {
        let filter = WordFilter(fileContents: "# comment\nfoo\n\n  bar  \r\nfoo\n")
        #expect(filter.wordCount == 2)
        #expect(filter.replacing(in: "foo and bar") == "*** and ***")
    }

    @Test func textMessagesAreFilteredAndTheListReloads() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let wordFile = directory.path + "/words.txt"
        try "darn\n".write(toFile: wordFile, atomically: true, encoding: .utf8)
        try await withTestServer(configure: { $0.wordFile = wordFile }) { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            _ = try await alice.send(peerMessage(1, 2, #"{"text":"darn it","uuid":"u1"}"#), flags: .text)
            var pushed = try await bob.next { $0.frame.command == .im }
            #expect(String(buffer: pushed.message!.content) == #"{"text":"**** it","uuid":"u1"}"#)
            // Without the TEXT flag the content is not touched.
            _ = try await alice.send(peerMessage(1, 2, #"{"text":"darn"}"#))
            pushed = try await bob.next { $0.frame.command == .im }
            #expect(String(buffer: pushed.message!.content) == #"{"text":"darn"}"#)

            try "darn\nheck\n".write(toFile: wordFile, atomically: true, encoding: .utf8)
            let (status, json) = try await server.admin("POST", "/words/reload")
            #expect(status == 200)
            #expect((json["data"] as? [String: Any])?["words"] as? Int == 2)
            let gid = try await server.createGroup(members: [1, 2])
            _ = try await alice.sendGroup(groupMessage(1, gid, #"{"text":"heck"}"#), flags: .text)
            pushed = try await bob.next { $0.frame.command == .groupIM }
            #expect(String(buffer: pushed.message!.content) == #"{"text":"****"}"#)
            // The stored copy is the filtered one.
            let synced = try await bob.sync(from: 0).messages.compactMap { $0.message() }
            #expect(String(buffer: synced[0].content) == #"{"text":"**** it","uuid":"u1"}"#)

            // A reload that fails keeps the old list.
            try FileManager.default.removeItem(atPath: wordFile)
            let (failed, text) = try await server.adminText("POST", "/words/reload")
            #expect(failed == 500 && text.contains("words.txt"))
            let (_, words) = try await server.admin("GET", "/words")
            #expect((words["data"] as? [String: Any])?["words"] as? Int == 2)
            try await alice.close()
            try await bob.close()
        }
    }

    @Test func aMissingWordFileStopsTheStartNamingIt() async throws {
        await #expect {
            try await withTestServer(configure: { $0.wordFile = "/nonexistent/words.txt" }) { _ in }
        } throws: { error in
            "\(error)".contains("/nonexistent/words.txt") && "\(error)".contains("word_file")
        }
    }
}
