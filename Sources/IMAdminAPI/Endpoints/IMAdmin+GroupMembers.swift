extension IMAdmin {
    /// `POST /groups/G/members {"members"[,"joined_at","notify"]}` → `{"data":{"added":[uid...]}}`;
    /// members already in keep their join time.
    public enum GroupAddMembers: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = MembersChange
        public typealias Reply = IMDataReply<AddedMembers>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/groups/:gid/members"
    }

    /// `DELETE /groups/G/members {"members"[,"notify"]}` → `{"data":{"removed":[uid...]}}`.
    public enum GroupRemoveMembers: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = MembersChange
        public typealias Reply = IMDataReply<RemovedMembers>
        public static let methods: [IMAdminMethod] = [.delete]
        public static let path = "/groups/:gid/members"
    }

    /// `DELETE /groups/G/members/U [{"notify"}]` → `{"data":{"removed":[U]}}`; 404 `uid: U is not a
    /// member of group G`.
    public enum GroupRemoveMember: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = MemberAction
        public typealias Reply = IMDataReply<RemovedMembers>
        public static let methods: [IMAdminMethod] = [.delete]
        public static let path = "/groups/:gid/members/:uid"
    }

    /// `PATCH /groups/G/members/U {"mute"?,"nickname"?}` → `{"data":IMGroup.Member}`; a muted member's
    /// group messages get ACK 66.
    public enum GroupUpdateMember: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = MemberChange
        public typealias Reply = IMDataReply<UpdatedMember>
        public static let methods: [IMAdminMethod] = [.patch]
        public static let path = "/groups/:gid/members/:uid"
    }

    /// Members to add to or remove from group G.
    public struct MembersChange: IMAdminParameters, Equatable {
        public var gid: Int64
        public var members: [Int64]
        /// Unix seconds the added members joined; nil: now. For importing members whose join time the app
        /// server knows.
        public var joinedAt: Int64?
        /// Also post `add_member` / `quit_group` notifications.
        public var notify: Bool?

        private struct Body: Codable {
            var members: [Int64]
            var joined_at: Int64?
            var notify: Bool?
        }

        public init(gid: Int64, members: [Int64], joinedAt: Int64? = nil, notify: Bool? = nil) {
            self.gid = gid
            self.members = members
            self.joinedAt = joinedAt
            self.notify = notify
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.pathParameters["gid"] = String(gid)
            try parts.setJSON(Body(members: members, joined_at: joinedAt, notify: notify))
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            let gid = try parts.pathInt("gid", field: "group_id")
            let body = try parts.json(Body.self)
            self.init(gid: gid, members: body.members, joinedAt: body.joined_at, notify: body.notify)
        }
    }

    /// Member U of group G, with an optional `{"notify":bool}` body.
    public struct MemberAction: IMAdminParameters, Equatable {
        public var gid: Int64
        public var uid: Int64
        public var notify: Bool?

        public init(gid: Int64, uid: Int64, notify: Bool? = nil) {
            self.gid = gid
            self.uid = uid
            self.notify = notify
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.pathParameters["gid"] = String(gid)
            parts.pathParameters["uid"] = String(uid)
            if let notify { try parts.setJSON(Notify(notify: notify)) }
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            gid = try parts.pathInt("gid", field: "group_id")
            uid = try parts.pathInt("uid")
            notify = try parts.optionalJSON(Notify.self)?.notify
        }
    }

    /// Changes to member U of group G.
    public struct MemberChange: IMAdminParameters, Equatable {
        public var gid: Int64
        public var uid: Int64
        public var mute: Bool?
        public var nickname: String?

        private struct Body: Codable {
            var mute: Bool?
            var nickname: String?
        }

        public init(gid: Int64, uid: Int64, mute: Bool? = nil, nickname: String? = nil) {
            self.gid = gid
            self.uid = uid
            self.mute = mute
            self.nickname = nickname
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.pathParameters["gid"] = String(gid)
            parts.pathParameters["uid"] = String(uid)
            try parts.setJSON(Body(mute: mute, nickname: nickname))
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            let gid = try parts.pathInt("gid", field: "group_id")
            let uid = try parts.pathInt("uid")
            let body = try parts.json(Body.self)
            self.init(gid: gid, uid: uid, mute: body.mute, nickname: body.nickname)
        }
    }

    /// `POST /groups/G/members`'s data: the uids that were not members yet.
    public struct AddedMembers: Codable, Sendable, Equatable {
        public var added: [Int64]

        public init(added: [Int64]) {
            self.added = added
        }
    }

    /// The data of a removal: the uids that were members.
    public struct RemovedMembers: Codable, Sendable, Equatable {
        public var removed: [Int64]

        public init(removed: [Int64]) {
            self.removed = removed
        }
    }

    /// `PATCH /groups/G/members/U`'s data: the member as changed, or `{}` if it left meanwhile.
    public struct UpdatedMember: Codable, Sendable, Equatable {
        public var member: IMGroup.Member?

        public init(member: IMGroup.Member?) {
            self.member = member
        }

        public init(from decoder: any Decoder) throws {
            member = try? IMGroup.Member(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            if let member {
                try member.encode(to: encoder)
            } else {
                _ = encoder.container(keyedBy: AnyCodingKey.self)
            }
        }
    }
}
