import NIOCore

extension MessageService {
    /// What the offline push decision considers for a stored message; nil without a webhook, where no
    /// jobs are made (so nothing is gathered for them on the message's path).
    func offlinePush(
        _ kind: OfflinePushMessage.Kind,
        appID: Int64,
        sender: Int64,
        receivers: @autoclosure () -> [Int64],
        content: ByteBuffer
    ) -> OfflinePushMessage? {
        guard push != nil else { return nil }
        return OfflinePushMessage(kind: kind, appID: appID, sender: sender, receivers: receivers(), content: content)
    }

    /// The offline push decision, once per stored message, after it is durable: never waits for I/O.
    ///
    /// With no webhook configured it does nothing. Otherwise it keeps the receivers that have no session
    /// counting as online, skips the sender of a group message, and queues the jobs GoBelieve's imr would
    /// have pushed to its Redis lists (PROTOCOL.md §9; see `OfflinePushMessage` for the shapes): one per
    /// offline receiver, or one per group message listing the offline members. Real-time copies and sync
    /// are not affected.
    func pushOffline(_ message: OfflinePushMessage) {
        guard let push else { return }
        // A group's sender gets no push for its own message.
        var skipped: Int64?
        if case .group = message.kind { skipped = message.sender }
        var seen = Set<Int64>()
        let receivers = message.receivers.filter { $0 != skipped && seen.insert($0).inserted }
        offlineReceivers(receivers, appID: message.appID) { offline in
            guard !offline.isEmpty else { return }
            push.enqueue(PushJob.jobs(for: message, offline: offline, createdAt: PushDispatcher.nowMilliseconds()))
        }
    }

    /// Those of `receivers` with no session that counts as online for offline push (PROTOCOL.md §2.1 step
    /// 6): a session on a mobile platform (iOS 1, Android 2) always does; sessions on other platforms
    /// (web, desktop) do unless the user's `notification_on` preference asks for pushes while on the
    /// desktop. `completion` runs once, in `receivers`' order.
    private func offlineReceivers(
        _ receivers: [Int64],
        appID: Int64,
        completion: @escaping @Sendable ([Int64]) -> Void
    ) {
        bus.presence(of: receivers.map { UserKey(appID: appID, uid: $0) }) { presences in
            var offline: [Int64] = []
            var desktop: [Int64] = []
            for (uid, presence) in zip(receivers, presences) {
                switch presence {
                case .offline: offline.append(uid)
                case .mobile: break
                case .otherPlatforms: desktop.append(uid)
                }
            }
            guard !desktop.isEmpty else { return completion(offline) }
            // Only users online on the desktop need their preference: one read each, in order.
            let found = offline
            self.askPushWhileOnDesktop(desktop[...], appID: appID, found: []) { alsoOffline in
                let wanted = Set(found + alsoOffline)
                completion(receivers.filter(wanted.contains))
            }
        }
    }

    private func askPushWhileOnDesktop(
        _ users: ArraySlice<Int64>,
        appID: Int64,
        found: [Int64],
        completion: @escaping @Sendable ([Int64]) -> Void
    ) {
        guard let uid = users.first else { return completion(found) }
        directory.preferences(UserKey(appID: appID, uid: uid)) { preferences in
            let wants = (try? preferences.get().notificationOn) ?? false
            self.askPushWhileOnDesktop(
                users.dropFirst(),
                appID: appID,
                found: wants ? found + [uid] : found,
                completion: completion
            )
        }
    }
}
