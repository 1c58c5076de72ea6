extension IMAdmin {
    /// `GET /nodes` → `{"data":[IMNode]}`: every node of the cluster, live and dead, by id (a server
    /// without `postgres_url` lists itself).
    public enum Nodes: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<[IMNode]>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/nodes"
    }

    /// `GET /lookup?appid=A&uid=U` → `{"data":{"node_id","tcp","tls","ws","wss"}}`: where the client
    /// should connect, the least-loaded live node (only its configured transports); 503 when no node is
    /// live. Needs the token unless the server sets `lookup_public`.
    public enum Lookup: IMAdminEndpoint {
        public typealias Request = LookupQuery
        public typealias Reply = IMDataReply<IMNodeAddresses>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/lookup"
    }

    /// `/lookup`'s query: the user who is about to connect.
    public struct LookupQuery: IMAdminParameters, Equatable {
        public var appid: Int64
        public var uid: Int64

        public init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }

        public func write(to parts: inout IMAdminHTTPParts) throws(IMAdminProblem) {
            parts.add("appid", appid)
            parts.add("uid", uid)
        }

        public init(reading parts: IMAdminHTTPParts) throws(IMAdminProblem) {
            appid = try parts.int("appid")
            uid = try parts.int("uid")
        }
    }
}
