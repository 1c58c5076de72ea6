import Foundation
import IMAdminClient

/// Gets users' tokens: from the admin API (`POST /auth/token`, many requests in flight) or a file.
enum TokenProvisioner {
    /// Tokens for `count` users `uidBase ..< uidBase + count` from the admin API at `url`.
    static func issue(
        count: Int,
        uidBase: Int64,
        appID: Int64,
        url: String,
        adminToken: String?,
        concurrency: Int = 32
    ) async throws -> [BenchUser] {
        try await BenchAdminClient.with(url: url, token: adminToken, timeout: .seconds(10), connections: concurrency) {
            client in
            var users = [BenchUser?](repeating: nil, count: count)
            try await withThrowingTaskGroup(of: (Int, BenchUser).self) { group in
                var next = 0
                func add() {
                    let index = next
                    next += 1
                    group.addTask {
                        let uid = uidBase + Int64(index)
                        let token = try await issueOne(client, uid: uid, appID: appID, url: url)
                        return (index, BenchUser(uid: uid, token: token))
                    }
                }
                while next < min(count, concurrency) { add() }
                while let (index, user) = try await group.next() {
                    users[index] = user
                    if next < count { add() }
                }
            }
            return users.map { $0! }
        }
    }

    private static func issueOne(_ client: IMAdminClient, uid: Int64, appID: Int64, url: String) async throws -> String {
        do {
            return try await client.call(IMAdmin.TokenIssue.self, .init(appid: appID, uid: uid)).token
        } catch {
            throw BenchAdminClient.failure(error, url: url, call: "POST \(url)/auth/token for uid \(uid)")
        }
    }

    /// The first `count` users of a tokens file (lines `uid token`).
    static func read(path: String, count: Int) throws -> [BenchUser] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BenchError(.provision, "cannot read the tokens file \(path)")
        }
        var users: [BenchUser] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let uid = Int64(fields[0]) else {
                throw BenchError(.usage, "\(path):\(number + 1): expected `uid token`")
            }
            users.append(BenchUser(uid: uid, token: String(fields[1]).trimmingCharacters(in: .whitespaces)))
            if users.count == count { return users }
        }
        throw BenchError(.provision, "the tokens file \(path) has \(users.count) users; this run needs \(count)")
    }
}
