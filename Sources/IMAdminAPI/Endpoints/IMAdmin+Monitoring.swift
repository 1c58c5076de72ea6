extension IMAdmin {
    /// `GET /summary[?appid=A]` → `IMSummary` (no envelope, as GoBelieve's); no token needed.
    public enum Summary: IMAdminEndpoint {
        public typealias Request = SummaryQuery
        public typealias Reply = IMJSONReply<IMSummary>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/summary"
        public static let needsToken = false
    }

    /// `GET /metrics` → Prometheus text: `im_*` counters and gauges, `process_*`; no token needed.
    public enum Metrics: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMPrometheusReply
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/metrics"
        public static let needsToken = false
    }

    /// `GET /health` → `{"data":{"status":"ok","node_id","version"}}`; no token needed.
    public enum Health: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMDataReply<HealthStatus>
        public static let methods: [IMAdminMethod] = [.get]
        public static let path = "/health"
        public static let needsToken = false
    }

    /// `GET|POST /stack` → a text dump for a stuck server (threads, sessions per event loop, store,
    /// counters), also written to the server's log.
    public enum Stack: IMAdminEndpoint {
        public typealias Request = IMAdminNone
        public typealias Reply = IMTextReply
        public static let methods: [IMAdminMethod] = [.get, .post]
        public static let path = "/stack"
    }

    /// `/summary`'s query.
    public struct SummaryQuery: IMAdminParameters, Equatable {
        /// Adds GoBelieve's `app_<appid>` object.
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

    /// `GET /health`'s data.
    public struct HealthStatus: Codable, Sendable, Equatable {
        /// `ok` while the server runs.
        public var status: String
        public var nodeID: String
        public var version: String

        enum CodingKeys: String, CodingKey {
            case status, version
            case nodeID = "node_id"
        }

        public init(status: String, nodeID: String, version: String) {
            self.status = status
            self.nodeID = nodeID
            self.version = version
        }
    }
}
