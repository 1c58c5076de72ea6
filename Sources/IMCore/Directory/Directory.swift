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

/// A user's server-side preferences (reference §2.1 step 3 and §5.5).
package struct UserPreferences: Sendable, Equatable {
    /// Speak-forbidden: room messages are refused (status 66).
    package var forbidden: Bool = false
    /// "Notify my phone while my desktop is online": desktop/web sessions then do not count as online
    /// for offline push (reference §2.1 step 6).
    package var notificationOn: Bool = false

    package init(forbidden: Bool = false, notificationOn: Bool = false) {
        self.forbidden = forbidden
        self.notificationOn = notificationOn
    }
}

/// The port for the server's metadata: issued tokens, device ids, users' sync keys and preferences.
///
/// Adapters: `SQLiteDirectory` (embedded) and, for a cluster, a PostgreSQL directory. Reads that the hot
/// path makes (a token at login, a device id, a sync key) are served from memory and never block on I/O;
/// writes that come with traffic (device ids, sync keys, unread counts) are batched and written by
/// `flush()`, which the server calls periodically and on shutdown. Administrative writes (tokens,
/// preferences) are durable when their `async` call returns.
package protocol Directory: AnyObject, Sendable {
    /// Issues a new random token for `(appID, uid)`, valid for `ttl` seconds (nil: until revoked).
    /// Only a hash of the token is stored.
    func issueToken(appID: Int64, uid: Int64, ttl: Int64?, now: Int64) async throws -> String
    /// Revokes `token`; returns whether it existed.
    func revokeToken(_ token: String) async throws -> Bool
    /// The grant of a token issued and not revoked, or nil; an expired token (`expiresAt <= now`) is nil.
    func lookupToken(_ token: String, now: Int64) -> TokenGrant?
    /// The stable numeric id of a device (reference §2.1 step 5): 0 for web clients (platform 3) and empty
    /// device strings; otherwise assigned on first use, from 1 upwards.
    func deviceID(for device: String, platform: UInt8) -> Int64
    /// The user's server-stored personal sync key (0 if none).
    func syncKey(_ user: UserKey) -> Int64
    /// Stores `key` as the user's sync key if it is larger than the stored one.
    func setSyncKeyIfLarger(_ user: UserKey, _ key: Int64)
    /// The user's server-stored sync key for a super group (0 if none).
    func groupSyncKey(_ user: UserKey, groupID: Int64) -> Int64
    /// Stores `key` as the user's sync key for the group if it is larger than the stored one.
    func setGroupSyncKeyIfLarger(_ user: UserKey, groupID: Int64, _ key: Int64)
    /// The user's preferences (defaults if never set).
    func preferences(_ user: UserKey) -> UserPreferences
    /// Sets the user's preferences durably.
    func setPreferences(_ user: UserKey, _ preferences: UserPreferences) async throws
    /// Records the badge count a client reported (`MSG_UNREAD_COUNT`), for the push service.
    func setUnreadCount(_ user: UserKey, _ count: Int32)
    /// The last badge count reported (0 if none).
    func unreadCount(_ user: UserKey) -> Int32
    // MARK: Groups (reference §5; admin writes, durable when the call returns, visible at once)

    /// The group with this id, or nil (never created, or disbanded); from memory.
    func group(_ id: Int64) -> GroupInfo?
    /// How many groups exist; from memory.
    var groupCount: Int { get }
    /// Every group, or those of one app, in ascending id order.
    func groups(appID: Int64?) -> [GroupInfo]
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

    // MARK: Friends and blacklists (reference §5.6)

    /// How `uid` and `other` stand in `appID`; from memory.
    func relationship(appID: Int64, uid: Int64, other: Int64) -> Relationship
    /// Adds (`present`) or removes `other` in `uid`'s list. Returns whether anything changed.
    func setRelation(
        _ list: RelationList,
        appID: Int64,
        uid: Int64,
        other: Int64,
        present: Bool
    ) async throws -> Bool
    /// The uids in `uid`'s list, ascending.
    func relations(_ list: RelationList, appID: Int64, uid: Int64) -> [Int64]

    /// Writes every batched change in one transaction.
    func flush() throws
    /// Flushes and releases the database. Later calls fail.
    func close() throws
}
