import IMAdminClient

extension IMCtlOp {
    /// `cluster nodes`: every node of the cluster, live and dead, with its addresses and load (`GET /nodes`).
    package struct ClusterNodes: IMCtlOperation {
        package static let command = "cluster nodes"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Nodes.self, IMAdminNone())
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .table(
                [
                    IMCtlColumn("NODE", "node_id"), IMCtlColumn("STATE", "state"),
                    IMCtlColumn("HEARTBEAT S", "heartbeat_age_seconds"), IMCtlColumn("CONNS", "connections"),
                    IMCtlColumn("MSG/S", "messages_per_second"), IMCtlColumn("CPU", "cpu"),
                    IMCtlColumn("TCP", "tcp"), IMCtlColumn("WS", "ws"), IMCtlColumn("TLS", "tls"),
                    IMCtlColumn("WSS", "wss"), IMCtlColumn("VERSION", "version"),
                    IMCtlColumn("STARTED", "started_at", .time),
                ],
                data.arrayValue ?? []
            )
        }
    }

    /// `cluster lookup`: where a user's client should connect, the least-loaded live node (`GET /lookup`).
    package struct ClusterLookup: IMCtlOperation {
        package static let command = "cluster lookup"
        package static let fields = ["appid", "uid"]
        package var appid: Int64
        package var uid: Int64

        package init(appid: Int64, uid: Int64) {
            self.appid = appid
            self.uid = uid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Lookup.self, .init(appid: appid, uid: uid))
        }
    }
}
