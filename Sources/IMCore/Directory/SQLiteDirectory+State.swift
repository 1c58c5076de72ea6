import Foundation
import GRDB

extension SQLiteDirectory {
    /// A device as clients name it: the device string is only unique per platform.
    struct DeviceKey: Hashable, Sendable {
        var device: String
        var platform: UInt8
    }

    /// A user's membership in one super group, the key of a group sync key.
    struct GroupMemberKey: Hashable, Sendable {
        var user: UserKey
        var groupID: Int64
    }

    /// What the directory knows about one user: one row of `users`.
    struct UserRecord: Sendable {
        var syncKey: Int64 = 0
        var preferences = UserPreferences()
        var unread: Int32 = 0
    }

    /// One row of `friends` or `blacklist`: `uid` lists `other`.
    struct RelationKey: Hashable, Sendable {
        var list: RelationList
        var appID: Int64
        var uid: Int64
        var other: Int64
    }

    /// A device id handed out in memory and not yet written.
    struct PendingDevice: Sendable {
        var key: DeviceKey
        var id: Int64
    }

    /// Every row of the file, plus what `flush()` still has to write. Guarded by `state`.
    struct State: Sendable {
        /// Keyed by the token's SHA-256, as in the file.
        var tokens: [Data: TokenGrant] = [:]
        var devices: [DeviceKey: Int64] = [:]
        /// The largest device id handed out, flushed or not; the next one is this + 1.
        var lastDeviceID: Int64 = 0
        var users: [UserKey: UserRecord] = [:]
        var groupSyncKeys: [GroupMemberKey: Int64] = [:]
        var groups: [Int64: GroupInfo] = [:]
        /// The largest group id ever created here; a server-picked id is the next one.
        var lastGroupID: Int64 = 0
        var relations: Set<RelationKey> = []

        var pendingDevices: [PendingDevice] = []
        /// Users whose sync key or unread count changed since the last flush. Only keys are kept: the
        /// flush writes the values memory holds then, so a later change is never overwritten by an
        /// older one.
        var dirtyUsers: Set<UserKey> = []
        var dirtyGroupSyncKeys: Set<GroupMemberKey> = []
        /// Set when `close()` begins; throwing calls fail from then on.
        var closed = false

        /// Whether `flush()` has anything to write.
        var hasPendingChanges: Bool {
            !pendingDevices.isEmpty || !dirtyUsers.isEmpty || !dirtyGroupSyncKeys.isEmpty
        }

        /// Reads every row of the file.
        static func load(_ db: Database) throws -> State {
            var state = State()
            try state.loadTokensAndDevices(db)
            try state.loadUsers(db)
            try state.loadGroups(db)
            for list in RelationList.allCases {
                let rows = try Row.fetchCursor(db, sql: "SELECT appid, uid, other FROM \(list.rawValue)")
                while let row = try rows.next() {
                    state.relations.insert(
                        RelationKey(list: list, appID: row["appid"], uid: row["uid"], other: row["other"])
                    )
                }
            }
            return state
        }

        private mutating func loadTokensAndDevices(_ db: Database) throws {
            let tokens = try Row.fetchCursor(db, sql: "SELECT hash, appid, uid, expires_at FROM tokens")
            while let row = try tokens.next() {
                let hash: Data = row["hash"]
                self.tokens[hash] = TokenGrant(appID: row["appid"], uid: row["uid"], expiresAt: row["expires_at"])
            }
            let devices = try Row.fetchCursor(db, sql: "SELECT id, device, platform FROM devices")
            while let row = try devices.next() {
                let id: Int64 = row["id"]
                // Ids are never reused, even if a row were unreadable: the next id is past every row.
                lastDeviceID = max(lastDeviceID, id)
                let platform: Int64 = row["platform"]
                guard let platform = UInt8(exactly: platform) else { continue }
                self.devices[DeviceKey(device: row["device"], platform: platform)] = id
            }
        }

        private mutating func loadUsers(_ db: Database) throws {
            let users = try Row.fetchCursor(
                db,
                sql: "SELECT appid, uid, sync_key, forbidden, notification_on, unread FROM users"
            )
            while let row = try users.next() {
                let user = UserKey(appID: row["appid"], uid: row["uid"])
                self.users[user] = UserRecord(
                    syncKey: row["sync_key"],
                    preferences: UserPreferences(forbidden: row["forbidden"], notificationOn: row["notification_on"]),
                    unread: row["unread"]
                )
            }
            let groupSyncKeys = try Row.fetchCursor(db, sql: "SELECT appid, uid, gid, sync_key FROM group_sync_keys")
            while let row = try groupSyncKeys.next() {
                let member = GroupMemberKey(user: UserKey(appID: row["appid"], uid: row["uid"]), groupID: row["gid"])
                self.groupSyncKeys[member] = row["sync_key"]
            }
        }

        private mutating func loadGroups(_ db: Database) throws {
            let groups = try Row.fetchCursor(db, sql: "SELECT id, appid, name, notice, master, super FROM groups")
            while let row = try groups.next() {
                let id: Int64 = row["id"]
                self.groups[id] = GroupInfo(
                    id: id,
                    appID: row["appid"],
                    name: row["name"],
                    notice: row["notice"],
                    master: row["master"],
                    isSuper: row["super"],
                    members: [:]
                )
            }
            let members = try Row.fetchCursor(db, sql: "SELECT gid, uid, joined_at, nickname, muted FROM group_members")
            while let row = try members.next() {
                let uid: Int64 = row["uid"]
                let gid: Int64 = row["gid"]
                self.groups[gid]?.members[uid] = GroupMember(
                    uid: uid,
                    joinedAt: row["joined_at"],
                    nickname: row["nickname"],
                    muted: row["muted"]
                )
            }
            lastGroupID = try Int64.fetchOne(db, sql: "SELECT last_id FROM group_ids") ?? 0
        }
    }
}
