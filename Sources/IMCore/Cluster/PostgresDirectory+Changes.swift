import PostgresNIO

/// What an administrative write changed, told to every node (`NOTIFY im_directory`) so their caches
/// forget it at once instead of after `cacheLifetime`.
extension PostgresDirectory {
    /// A change to cached values; its payload is a few bytes (`g:GID`, `r:APPID:UID:OTHER`, `p:APPID:UID`).
    enum Change: Sendable, Equatable {
        case group(Int64)
        case relation(appID: Int64, uid: Int64, other: Int64)
        case preferences(UserKey)

        var payload: String {
            switch self {
            case .group(let id): "g:\(id)"
            case .relation(let appID, let uid, let other): "r:\(appID):\(uid):\(other)"
            case .preferences(let user): "p:\(user.appID):\(user.uid)"
            }
        }

        /// The change a payload names; nil for one this build does not know (then everything is forgotten).
        init?(payload: String) {
            let parts = payload.split(separator: ":")
            let numbers = parts.dropFirst().compactMap { Int64($0) }
            guard numbers.count == parts.count - 1 else { return nil }
            switch (parts.first, numbers.count) {
            case ("g", 1): self = .group(numbers[0])
            case ("r", 3): self = .relation(appID: numbers[0], uid: numbers[1], other: numbers[2])
            case ("p", 2): self = .preferences(UserKey(appID: numbers[0], uid: numbers[1]))
            default: return nil
            }
        }
    }

    static let changeChannel = "im_directory"

    /// Forgets what `change` touched here, and tells the other nodes. Best effort: a notification lost
    /// with a node's LISTEN connection is repaired when it listens again (it forgets everything), and a
    /// cached value expires after `cacheLifetime` in any case.
    func changed(_ change: Change) {
        forget(change)
        let payload = change.payload
        database.run("announcing a directory change") {
            try await self.database.client.query(
                "SELECT pg_notify(\(Self.changeChannel), \(payload))",
                logger: self.logger
            )
        } completion: { _ in
        }
    }

    /// Has `listener` tell this directory what other nodes changed.
    func listen(to listener: PostgresListener) {
        listener.subscribe(Self.changeChannel) { [self] in
            forgetEverything()
        } notified: { [self] payload in
            if let change = Change(payload: payload) { forget(change) } else { forgetEverything() }
        }
    }

    private func forget(_ change: Change) {
        switch change {
        case .group(let id): groups.invalidate(id)
        case .relation(let appID, let uid, let other):
            relationships.invalidate(RelationPair(appID: appID, uid: uid, other: other))
            relationships.invalidate(RelationPair(appID: appID, uid: other, other: uid))
        case .preferences(let user): preferenceCache.invalidate(user)
        }
    }

    private func forgetEverything() {
        groups.invalidate()
        relationships.invalidate()
        preferenceCache.invalidate()
    }
}
