extension IMAdmin {
    /// `POST /groups {"appid","members"[,"super","name","notice","group_id","master","notify"]}` →
    /// `{"data":{"group_id":G}}`: the id is picked when not given (never reused); the first member owns
    /// the group unless `master`; 409 `group_id: group G exists`.
    public enum GroupCreate: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = NewGroup
        public typealias Reply = IMDataReply<CreatedGroup>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/groups"
    }

    /// `GET /groups[?appid=A]` → `{"data":[IMGroupListing...]}`, by group id.
    public enum GroupList: IMAdminEndpoint {
        public typealias Request = GroupListQuery
        public typealias Reply = IMDataReply<[IMGroupListing]>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/groups"
    }

    /// `GET /groups/G` → `{"data":IMGroup}`; 404 `group_id: no group G`.
    public enum GroupInfo: IMAdminEndpoint {
        public typealias Request = GroupRef
        public typealias Reply = IMDataReply<IMGroup>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/groups/:gid"
    }

    /// `PATCH /groups/G {"name"?,"notice"?,"master"?,"notify"?}` → `{"data":IMGroup}` as changed.
    public enum GroupUpdate: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = GroupChange
        public typealias Reply = IMDataReply<IMGroup>
        public static let methods: [IMAdminMethod] = [.patch]
        public static let path = "/groups/:gid"
    }

    /// `DELETE /groups/G [{"notify"}]` → `{"data":{"disbanded":true}}`.
    public enum GroupDisband: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = GroupAction
        public typealias Reply = IMDataReply<DisbandedGroup>
        public static let methods: [IMAdminMethod] = [.delete]
        public static let path = "/groups/:gid"
    }

    /// `POST /groups/G/upgrade [{"notify"}]` → `{"data":{"upgraded":bool,"super":true}}`: to a super
    /// group, never back.
    public enum GroupUpgrade: IMAdminEndpoint {
        public static let writes = true
        public typealias Request = GroupAction
        public typealias Reply = IMDataReply<UpgradedGroup>
        public static let methods: [IMAdminMethod] = [.post]
        public static let path = "/groups/:gid/upgrade"
    }

    /// `GET /groups/G`, or a request about group G with nothing else.
    public struct GroupRef: IMAdminParameters, Equatable {
        public var gid: Int64

        public init(gid: Int64) {
            self.gid = gid
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.pathParameters["gid"] = String(gid)
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            gid = try parts.pathInt("gid", field: "group_id")
        }
    }

    /// `GET /groups`'s query.
    public struct GroupListQuery: IMAdminParameters, Equatable {
        /// One app's groups; nil: every app's.
        public var appid: Int64?

        public init(appid: Int64? = nil) {
            self.appid = appid
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.optionalInt("appid")
        }
    }

    /// `POST /groups`'s body.
    public struct NewGroup: IMAdminJSONParameters, Equatable {
        public var appid: Int64
        /// Duplicates count once; the first owns the group unless `master` is given.
        public var members: [Int64]?
        public var isSuper: Bool?
        public var name: String?
        public var notice: String?
        /// The id to use; nil: the server picks one.
        public var groupID: Int64?
        public var master: Int64?
        /// Also post GoBelieve's `{"create":{...}}` group notification to the members.
        public var notify: Bool?

        enum CodingKeys: String, CodingKey {
            case appid, members, name, notice, master, notify
            case isSuper = "super"
            case groupID = "group_id"
        }

        public init(
            appid: Int64,
            members: [Int64]? = nil,
            isSuper: Bool? = nil,
            name: String? = nil,
            notice: String? = nil,
            groupID: Int64? = nil,
            master: Int64? = nil,
            notify: Bool? = nil
        ) {
            self.appid = appid
            self.members = members
            self.isSuper = isSuper
            self.name = name
            self.notice = notice
            self.groupID = groupID
            self.master = master
            self.notify = notify
        }
    }

    /// `PATCH /groups/G`: the group and the changes; with `notify`, `update_name` / `update_notice`
    /// notifications go to the members.
    public struct GroupChange: IMAdminParameters, Equatable {
        public var gid: Int64
        public var name: String?
        public var notice: String?
        public var master: Int64?
        public var notify: Bool?

        private struct Body: Codable {
            var name: String?
            var notice: String?
            var master: Int64?
            var notify: Bool?
        }

        public init(gid: Int64, name: String? = nil, notice: String? = nil, master: Int64? = nil, notify: Bool? = nil) {
            self.gid = gid
            self.name = name
            self.notice = notice
            self.master = master
            self.notify = notify
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.pathParameters["gid"] = String(gid)
            try parts.setJSON(Body(name: name, notice: notice, master: master, notify: notify))
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            let gid = try parts.pathInt("gid", field: "group_id")
            let body = try parts.json(Body.self)
            self.init(gid: gid, name: body.name, notice: body.notice, master: body.master, notify: body.notify)
        }
    }

    /// A change to group G with an optional `{"notify":bool}` body (disband, upgrade).
    public struct GroupAction: IMAdminParameters, Equatable {
        public var gid: Int64
        /// Also post the change to the members; nil sends no body.
        public var notify: Bool?

        public init(gid: Int64, notify: Bool? = nil) {
            self.gid = gid
            self.notify = notify
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.pathParameters["gid"] = String(gid)
            if let notify { try parts.setJSON(Notify(notify: notify)) }
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            gid = try parts.pathInt("gid", field: "group_id")
            notify = try parts.optionalJSON(Notify.self)?.notify
        }
    }

    /// `{"notify":bool}`: an optional body of group changes.
    struct Notify: Codable {
        var notify: Bool?
    }

    /// `POST /groups`'s data.
    public struct CreatedGroup: Codable, Sendable, Equatable {
        public var groupID: Int64

        enum CodingKeys: String, CodingKey { case groupID = "group_id" }

        public init(groupID: Int64) {
            self.groupID = groupID
        }
    }

    /// `DELETE /groups/G`'s data.
    public struct DisbandedGroup: Codable, Sendable, Equatable {
        public var disbanded: Bool

        public init(disbanded: Bool) {
            self.disbanded = disbanded
        }
    }

    /// `POST /groups/G/upgrade`'s data: false when it already was a super group.
    public struct UpgradedGroup: Codable, Sendable, Equatable {
        public var upgraded: Bool
        public var isSuper: Bool

        enum CodingKeys: String, CodingKey {
            case upgraded
            case isSuper = "super"
        }

        public init(upgraded: Bool, isSuper: Bool = true) {
            self.upgraded = upgraded
            self.isSuper = isSuper
        }
    }
}
