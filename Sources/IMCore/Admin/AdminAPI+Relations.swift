import Foundation
import Hummingbird

extension AdminAPI {
    private struct RelationRequest: Decodable {
        var appid: Int64
        var uid: Int64
        /// The friend (for `/friends`) or the blocked user (for `/blacklist`).
        var other: Int64?
        var friend_uid: Int64?
        var mutual: Bool?
    }

    /// Friends and blacklists (reference §5.6), which `enable_friendship` / `enable_blacklist` check
    /// peer messages against (ACK status 1, 2, 3):
    /// - `POST|DELETE /friends {"appid","uid","friend_uid"[,"mutual":true]}`: `friend_uid` in (or out of)
    ///   `uid`'s list, and with `mutual` (the default) the reverse too.
    /// - `POST|DELETE /blacklist {"appid","uid","other"}`: `uid` blocks (or unblocks) `other`.
    /// - `GET /friends?appid&uid`, `GET /blacklist?appid&uid`: the lists.
    static func addRelationRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        for list in RelationList.allCases {
            let path = RouterPath("/\(list.rawValue)")
            let otherField = list == .friends ? "friend_uid" : "other"
            for present in [true, false] {
                router.on(path, method: present ? .post : .delete) { request, _ in
                    let body = try await AdminJSON.decode(RelationRequest.self, from: request)
                    guard let other = list == .friends ? body.friend_uid ?? body.other : body.other ?? body.friend_uid
                    else { throw AdminError.badField(otherField, "missing") }
                    guard other != body.uid else { throw AdminError.badField(otherField, "must differ from uid") }
                    var pairs = [(body.uid, other)]
                    if list == .friends && body.mutual ?? true { pairs.append((other, body.uid)) }
                    var changed = false
                    for (uid, other) in pairs {
                        let didChange = try await directoryCall {
                            try await core.directory.setRelation(
                                list,
                                appID: body.appid,
                                uid: uid,
                                other: other,
                                present: present
                            )
                        }
                        changed = changed || didChange
                    }
                    return AdminJSON.data(["changed": changed])
                }
            }
            router.get(path) { request, _ in
                let appID = try request.int("appid")
                let uid = try request.int("uid")
                return AdminJSON.data(
                    ["appid": appID, "uid": uid, list.rawValue: try await directoryCall { try await core.directory.relations(list, appID: appID, uid: uid) }]
                        as [String: Any]
                )
            }
        }
    }

    /// `POST /words/reload`: re-reads the sensitive-word file; `{"data":{"words":N}}`. `GET /words`
    /// tells the file and the number of words in use.
    static func addWordRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        router.post("/words/reload") { _, _ in
            guard core.messages.words.path != nil else {
                throw AdminError(.conflict, "word_file: no word file is configured; set it and restart")
            }
            do {
                let count = try core.messages.words.reload()
                core.logger.info("reloaded the word file", metadata: ["words": "\(count)"])
                return AdminJSON.data(["words": count])
            } catch {
                throw AdminError(.internalServerError, "\(error); the previous word list stays in use")
            }
        }
        router.get("/words") { _, _ in
            AdminJSON.data(["file": core.messages.words.path ?? NSNull(), "words": core.messages.words.wordCount] as [String: Any])
        }
    }
}
