import IMAdminClient

/// Creates the group scenario's group through the admin API (`POST /groups`).
enum GroupProvisioner {
    /// A new group of `members` (the first owns it); returns its id.
    static func create(
        url: String,
        adminToken: String?,
        appID: Int64,
        members: [Int64],
        isSuper: Bool
    ) async throws -> Int64 {
        try await BenchAdminClient.with(url: url, token: adminToken, timeout: .seconds(30)) { client in
            do {
                let group = IMAdmin.NewGroup(appid: appID, members: members, isSuper: isSuper, name: "imbench")
                return try await client.call(IMAdmin.GroupCreate.self, group).groupID
            } catch {
                throw BenchAdminClient.failure(error, url: url, call: "POST \(url)/groups")
            }
        }
    }
}
