/// The admin API's endpoints, one declaration each (method, path, request, reply), shared by the server
/// and `IMAdminClient`.
///
/// GoBelieve's endpoints (PROTOCOL.md §10.1) keep GoBelieve's paths and field names and take GET and POST
/// alike; the others are ours. Errors are `IMAdminErrorReply` with the HTTP status.
public enum IMAdmin {
    /// Every endpoint, in the README's order: what the server must route, and nothing else.
    public static let endpoints: [any IMAdminEndpoint.Type] = [
        PostPeerMessage.self, PostSystemMessage.self, PostGroupMessage.self, PostGroupNotification.self,
        PostRoomMessage.self, PostCustomerMessage.self, PostNotification.self, PostRealtimeMessage.self,
        GetOfflineCount.self, LoadLatestMessage.self, LoadHistoryMessage.self,
        TokenIssue.self, TokenRevoke.self,
        Summary.self, Metrics.self, Stack.self, Health.self,
        GroupCreate.self, GroupList.self, GroupInfo.self, GroupUpdate.self, GroupDisband.self, GroupUpgrade.self,
        GroupAddMembers.self, GroupRemoveMembers.self, GroupRemoveMember.self, GroupUpdateMember.self,
        FriendAdd.self, FriendRemove.self, FriendList.self, BlacklistAdd.self, BlacklistRemove.self,
        BlacklistList.self,
        WordsReload.self, WordsShow.self,
        UsersOnline.self, UserKick.self, UserMute.self, UserUnmute.self,
        StoreStats.self, StoreSnapshot.self, StoreCompact.self, StorePromote.self,
        Config.self, LogLevelShow.self, LogLevelSet.self,
        Nodes.self, Lookup.self,
    ]

    /// The paths a request may reach without the admin token.
    public static var openPaths: Set<String> {
        Set(endpoints.filter { !$0.needsToken }.map { $0.path })
    }

    /// GoBelieve's message posts: the first method is what clients send.
    static let postMethods: [IMAdminMethod] = [.post, .get]
    /// GoBelieve's reads.
    static let readMethods: [IMAdminMethod] = [.get, .post]
}
