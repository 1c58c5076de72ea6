extension ServerCore {
    /// The offline push hook's one entry point: call it once per stored message, after the message is
    /// durable, with everyone it was stored for. It returns at once (never waits for I/O).
    ///
    /// With no webhook configured it does nothing. Otherwise it keeps the receivers that have no session
    /// counting as online (`isOnlineForPush(_:)`), skips the sender of a group message, and queues the
    /// jobs GoBelieve's imr would have pushed to its Redis lists (reference §9.4; see
    /// `OfflinePushMessage` for the shapes): one per offline receiver, or one per group message listing
    /// the offline members. Real-time copies and sync are not affected.
    ///
    /// Called from: peer messages (`sendPeerMessage`, client and `/post_peer_message`) and system messages
    /// (`sendSystemMessage`). Group, super-group and customer messages call it the same way, with
    /// `.group(id:)` and `.customer(senderAppID:receiverAppID:)`.
    package func pushOffline(_ message: OfflinePushMessage) {
        guard let push else { return }
        // A group's sender gets no push for its own message.
        var skipped: Int64?
        if case .group = message.kind { skipped = message.sender }
        var offline: [Int64] = []
        if message.receivers.count == 1 {
            // The common case (a peer message): no set to build.
            let uid = message.receivers[0]
            if uid != skipped && !isOnlineForPush(UserKey(appID: message.appID, uid: uid)) { offline.append(uid) }
        } else {
            var seen = Set<Int64>()
            for uid in message.receivers where uid != skipped && seen.insert(uid).inserted {
                if !isOnlineForPush(UserKey(appID: message.appID, uid: uid)) { offline.append(uid) }
            }
        }
        guard !offline.isEmpty else { return }
        let now = PushDispatcher.nowMilliseconds()
        func job(_ queue: PushJob.Queue, _ receivers: [Int64]) -> PushJob {
            PushJob(
                queue: queue,
                appID: message.appID,
                sender: message.sender,
                receivers: receivers,
                content: message.content,
                createdAt: now
            )
        }
        switch message.kind {
        case .peer:
            push.enqueue(offline.map { job(.peer, [$0]) })
        case .system:
            push.enqueue(offline.map { job(.system, [$0]) })
        case .group(let groupID):
            var group = job(.group, offline)
            group.groupID = groupID
            push.enqueue([group])
        case .customer(let senderAppID, let receiverAppID):
            push.enqueue(
                offline.map { uid in
                    var customer = job(.customer, [uid])
                    customer.senderAppID = senderAppID
                    customer.receiverAppID = receiverAppID
                    return customer
                }
            )
        }
    }

    /// Whether `user` has a session that counts as online for offline push (reference §2.1 step 6): a
    /// session on a mobile platform (iOS 1, Android 2) always does; sessions on other platforms (web,
    /// desktop) do unless the user's `notification_on` preference asks for pushes while on the desktop.
    package func isOnlineForPush(_ user: UserKey) -> Bool {
        switch registry.presence(of: user) {
        case .offline: false
        case .mobile: true
        case .otherPlatforms: !directory.preferences(user).notificationOn
        }
    }
}
