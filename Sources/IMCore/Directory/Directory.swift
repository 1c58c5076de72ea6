import ServiceLifecycle

/// A user within an app: the owner of a personal queue, sync keys and preferences.
package struct UserKey: Hashable, Sendable, CustomStringConvertible {
    package var appID: Int64
    package var uid: Int64

    package init(appID: Int64, uid: Int64) {
        self.appID = appID
        self.uid = uid
    }

    package var description: String { "\(appID)/\(uid)" }
}

/// What an issued token grants: a login as `(appID, uid)` until `expiresAt` (Unix seconds, nil = never).
package struct TokenGrant: Sendable, Equatable {
    package var appID: Int64
    package var uid: Int64
    package var expiresAt: Int64?

    package init(appID: Int64, uid: Int64, expiresAt: Int64?) {
        self.appID = appID
        self.uid = uid
        self.expiresAt = expiresAt
    }
}

/// A user's server-side preferences (PROTOCOL.md §2.1 step 3 and §5.5).
package struct UserPreferences: Sendable, Equatable {
    /// Speak-forbidden: room messages are refused (status 66).
    package var forbidden: Bool = false
    /// "Notify my phone while my desktop is online": desktop/web sessions then do not count as online
    /// for offline push (PROTOCOL.md §2.1 step 6).
    package var notificationOn: Bool = false

    package init(forbidden: Bool = false, notificationOn: Bool = false) {
        self.forbidden = forbidden
        self.notificationOn = notificationOn
    }
}

/// The port for the server's metadata: issued tokens, device ids, users' sync keys and preferences,
/// groups and their members, friends and blacklists.
///
/// Adapters: `SQLiteDirectory` (embedded) and, for a cluster, a PostgreSQL directory. Both pass the one
/// `Directory` conformance suite.
///
/// - **Reads on the message path** (a token at login, a device id, a group on every group message,
///   relationships, preferences, sync keys) report through a completion, exactly once, on any thread,
///   possibly before the call returns: the embedded adapter answers from memory at once; a remote one
///   from a cache it owns, or later. Ids that must be unique across servers (device ids, group ids)
///   come from the adapter.
/// - **Writes that come with traffic** (sync keys, unread counts) change the adapter's view at once and
///   are written in batches by `flush()`.
/// - **Administrative calls** are `async`; their writes are durable and visible to every server when the
///   call returns.
/// - `flush()` and `close()` never block a thread of the concurrency pool.
/// - A `Service`: `run()` flushes the batched writes periodically until graceful shutdown or
///   cancellation, then closes the directory.
package protocol Directory: AnyObject, Service {
    // MARK: Reads on the message path

    /// The grant of a token issued and not revoked; nil for an unknown or expired (`expiresAt <= now`) one.
    func lookupToken(
        _ token: String,
        now: Int64,
        completion: @escaping @Sendable (Result<TokenGrant?, DirectoryError>) -> Void
    )
    /// The stable numeric id of a device (PROTOCOL.md §2.1 step 5): 0 for web clients (platform 3) and empty
    /// device strings; otherwise assigned on first use, unique across every server of the directory.
    func deviceID(
        for device: String,
        platform: UInt8,
        completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void
    )
    /// The user's server-stored personal sync key (0 if none).
    func syncKey(_ user: UserKey, completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void)
    /// The user's server-stored sync key for a super group (0 if none).
    func groupSyncKey(
        _ user: UserKey,
        groupID: Int64,
        completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void
    )
    /// The user's preferences (defaults if never set).
    func preferences(_ user: UserKey, completion: @escaping @Sendable (Result<UserPreferences, DirectoryError>) -> Void)
    /// The group with this id, or nil (never created, or disbanded).
    func group(_ id: Int64, completion: @escaping @Sendable (Result<GroupInfo?, DirectoryError>) -> Void)
    /// How `uid` and `other` stand in `appID`.
    func relationship(
        appID: Int64,
        uid: Int64,
        other: Int64,
        completion: @escaping @Sendable (Result<Relationship, DirectoryError>) -> Void
    )

    // MARK: Writes that come with traffic (batched)

    /// Stores `key` as the user's sync key if it is larger than the stored one.
    func setSyncKeyIfLarger(_ user: UserKey, _ key: Int64)
    /// Stores `key` as the user's sync key for the group if it is larger than the stored one.
    func setGroupSyncKeyIfLarger(_ user: UserKey, groupID: Int64, _ key: Int64)
    /// Records the badge count a client reported (`MSG_UNREAD_COUNT`), for the push service.
    func setUnreadCount(_ user: UserKey, _ count: Int32)

    // MARK: Tokens and preferences (admin)

    /// Issues a new random token for `(appID, uid)`, valid for `ttl` seconds (nil: until revoked).
    /// Only a hash of the token is stored.
    func issueToken(appID: Int64, uid: Int64, ttl: Int64?, now: Int64) async throws -> String
    /// Revokes `token`; returns whether it existed.
    func revokeToken(_ token: String) async throws -> Bool
    /// Sets the user's preferences durably.
    func setPreferences(_ user: UserKey, _ preferences: UserPreferences) async throws

    // MARK: Groups (PROTOCOL.md §5; admin)

    /// How many groups exist.
    func groupCount() async throws -> Int
    /// Every group, or those of one app, in ascending id order.
    func groups(appID: Int64?) async throws -> [GroupInfo]
    /// Creates `group`; its id 0 means "pick the next free one". Returns the id.
    /// Throws `.conflict` if the id is taken, `.invalidArgument` for a negative id or no master.
    func createGroup(_ group: GroupInfo) async throws -> Int64
    /// Disbands the group: it and its members are forgotten. Returns whether it existed.
    func disbandGroup(_ id: Int64) async throws -> Bool
    /// Changes the group's name, notice or master. Throws `.notFound`.
    func updateGroup(_ id: Int64, _ change: GroupChange) async throws
    /// Makes the group a super group (there is no way back). Returns whether it changed.
    /// Throws `.notFound`.
    func upgradeGroup(_ id: Int64) async throws -> Bool
    /// Adds `members` (uids already in the group keep their join time). Returns the uids added.
    /// Throws `.notFound`.
    func addMembers(_ id: Int64, _ members: [GroupMember]) async throws -> [Int64]
    /// Removes `uids` from the group. Returns the uids that were members. Throws `.notFound`.
    func removeMembers(_ id: Int64, _ uids: [Int64]) async throws -> [Int64]
    /// Changes one member's nickname or mute. Throws `.notFound` for no such group or member.
    func updateMember(_ id: Int64, uid: Int64, _ change: MemberChange) async throws

    // MARK: Friends and blacklists (PROTOCOL.md §5.6; admin)

    /// Adds (`present`) or removes `other` in `uid`'s list. Returns whether anything changed.
    func setRelation(
        _ list: RelationList,
        appID: Int64,
        uid: Int64,
        other: Int64,
        present: Bool
    ) async throws -> Bool
    /// The uids in `uid`'s list, ascending.
    func relations(_ list: RelationList, appID: Int64, uid: Int64) async throws -> [Int64]

    // MARK: Lifecycle

    /// Writes every batched change in one transaction.
    func flush() async throws
    /// Flushes and releases the database. Later calls fail with `.closed`.
    func close() async throws
}

extension Directory {
    /// The grant of a token, or nil; awaited.
    package func lookupToken(_ token: String, now: Int64) async throws -> TokenGrant? {
        try await awaiting { lookupToken(token, now: now, completion: $0) }
    }

    /// The stable numeric id of a device; awaited.
    package func deviceID(for device: String, platform: UInt8) async throws -> Int64 {
        try await awaiting { deviceID(for: device, platform: platform, completion: $0) }
    }

    /// The user's sync key for a super group; awaited.
    package func groupSyncKey(_ user: UserKey, groupID: Int64) async throws -> Int64 {
        try await awaiting { groupSyncKey(user, groupID: groupID, completion: $0) }
    }

    /// How `uid` and `other` stand in `appID`; awaited.
    package func relationship(appID: Int64, uid: Int64, other: Int64) async throws -> Relationship {
        try await awaiting { relationship(appID: appID, uid: uid, other: other, completion: $0) }
    }

    /// The group with this id, or nil; awaited.
    package func group(_ id: Int64) async throws -> GroupInfo? {
        try await awaiting { group(id, completion: $0) }
    }

    /// The user's preferences; awaited.
    package func preferences(_ user: UserKey) async throws -> UserPreferences {
        try await awaiting { preferences(user, completion: $0) }
    }

    /// The user's personal sync key; awaited.
    package func syncKey(_ user: UserKey) async throws -> Int64 {
        try await awaiting { syncKey(user, completion: $0) }
    }
}
