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
        public typealias Request = UserQuery
        public typealias Reply = IMDataReply<IMNodeAddresses>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/lookup"
    }
}
