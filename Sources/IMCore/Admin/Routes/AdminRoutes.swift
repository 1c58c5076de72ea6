import IMAdminAPI

/// The admin API's routes: one line each, the endpoint (whose declaration in `IMAdmin` gives the methods
/// and the path) and the handler that serves it.
package enum AdminRoutes {
    /// Puts every route into `routes`.
    package static func register(_ routes: inout some AdminRouteRegistrar) {
        // GoBelieve's (PROTOCOL.md §10.1): GET and POST alike.
        routes.add(IMAdmin.PostPeerMessage.self, MessagePostHandlers.postPeerMessage)
        routes.add(IMAdmin.PostGroupMessage.self, MessagePostHandlers.postGroupMessage)
        routes.add(IMAdmin.PostGroupNotification.self, MessagePostHandlers.postGroupNotification)
        routes.add(IMAdmin.PostRoomMessage.self, MessagePostHandlers.postRoomMessage)
        routes.add(IMAdmin.PostCustomerMessage.self, MessagePostHandlers.postCustomerMessage)
        routes.add(IMAdmin.PostSystemMessage.self, MessagePostHandlers.postSystemMessage)
        routes.add(IMAdmin.PostNotification.self, MessagePostHandlers.postNotification)
        routes.add(IMAdmin.PostRealtimeMessage.self, MessagePostHandlers.postRealtimeMessage)
        routes.add(IMAdmin.GetOfflineCount.self, HistoryHandlers.offlineCount)
        routes.add(IMAdmin.LoadLatestMessage.self, HistoryHandlers.latest)
        routes.add(IMAdmin.LoadHistoryMessage.self, HistoryHandlers.history)
        // Tokens.
        routes.add(IMAdmin.TokenIssue.self, TokenHandlers.issue)
        routes.add(IMAdmin.TokenRevoke.self, TokenHandlers.revoke)
        // Groups and their members.
        routes.add(IMAdmin.GroupCreate.self, GroupHandlers.create)
        routes.add(IMAdmin.GroupList.self, GroupHandlers.list)
        routes.add(IMAdmin.GroupInfo.self, GroupHandlers.info)
        routes.add(IMAdmin.GroupUpdate.self, GroupHandlers.update)
        routes.add(IMAdmin.GroupDisband.self, GroupHandlers.disband)
        routes.add(IMAdmin.GroupUpgrade.self, GroupHandlers.upgrade)
        routes.add(IMAdmin.GroupAddMembers.self, GroupMemberHandlers.add)
        routes.add(IMAdmin.GroupRemoveMembers.self, GroupMemberHandlers.remove)
        routes.add(IMAdmin.GroupRemoveMember.self, GroupMemberHandlers.removeOne)
        routes.add(IMAdmin.GroupUpdateMember.self, GroupMemberHandlers.update)
        // Friends and blacklists.
        routes.add(IMAdmin.FriendAdd.self, RelationHandlers.addFriend)
        routes.add(IMAdmin.FriendRemove.self, RelationHandlers.removeFriend)
        routes.add(IMAdmin.FriendList.self, RelationHandlers.friends)
        routes.add(IMAdmin.BlacklistAdd.self, RelationHandlers.block)
        routes.add(IMAdmin.BlacklistRemove.self, RelationHandlers.unblock)
        routes.add(IMAdmin.BlacklistList.self, RelationHandlers.blacklist)
        // Sensitive words.
        routes.add(IMAdmin.WordsReload.self, WordHandlers.reload)
        routes.add(IMAdmin.WordsShow.self, WordHandlers.show)
        // Users.
        routes.add(IMAdmin.UsersOnline.self, UserHandlers.online)
        routes.add(IMAdmin.UserKick.self, UserHandlers.kick)
        routes.add(IMAdmin.UserMute.self, UserHandlers.mute)
        routes.add(IMAdmin.UserUnmute.self, UserHandlers.unmute)
        // The message store.
        routes.add(IMAdmin.StoreStats.self, StoreHandlers.stats)
        routes.add(IMAdmin.StoreSnapshot.self, StoreHandlers.snapshot)
        routes.add(IMAdmin.StoreCompact.self, StoreHandlers.compact)
        routes.add(IMAdmin.StorePromote.self, StoreHandlers.promote)
        // Configuration and log level.
        routes.add(IMAdmin.Config.self, ConfigHandlers.config)
        routes.add(IMAdmin.LogLevelShow.self, ConfigHandlers.logLevel)
        routes.add(IMAdmin.LogLevelSet.self, ConfigHandlers.setLogLevel)
        // The cluster's nodes.
        routes.add(IMAdmin.Nodes.self, ClusterHandlers.nodes)
        routes.add(IMAdmin.Lookup.self, ClusterHandlers.lookup)
        // Monitoring: no token needed but for /stack.
        routes.add(IMAdmin.Summary.self, MonitoringHandlers.summary)
        routes.add(IMAdmin.Health.self, MonitoringHandlers.health)
        routes.add(IMAdmin.Metrics.self, MonitoringHandlers.metrics)
        routes.add(IMAdmin.Stack.self, MonitoringHandlers.stack)
    }
}
