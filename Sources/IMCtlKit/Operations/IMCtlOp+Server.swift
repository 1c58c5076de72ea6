import IMAdminClient

extension IMCtlOp {
    /// `words reload`: re-reads the server's word filter list (`POST /words/reload`).
    public struct WordsReload: IMCtlOperation {
        public static let command = "words reload"
        public static let fields: [String] = []

        public init() {}

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.WordsReload.self, IMAdminNone())
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("reloaded the word list: \(data["words"].map(IMCtlRenderer.scalar) ?? "?") words")
        }
    }

    /// `words show`: the word file and how many words are in use (`GET /words`).
    public struct WordsShow: IMCtlOperation {
        public static let command = "words show"
        public static let fields: [String] = []

        public init() {}

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.WordsShow.self, IMAdminNone())
        }
    }

    /// `store stats`: the message store's figures (`GET /store/stats`).
    public struct StoreStats: IMCtlOperation {
        public static let command = "store stats"
        public static let fields: [String] = []

        public init() {}

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.StoreStats.self, IMAdminNone())
        }
    }

    /// `store snapshot`: writes the store's index snapshot now (`POST /store/snapshot`).
    public struct StoreSnapshot: IMCtlOperation {
        public static let command = "store snapshot"
        public static let fields: [String] = []

        public init() {}

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.StoreSnapshot.self, IMAdminNone())
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            let bytes = IMCtlRenderer.bytes(data["bytes"]?.intValue ?? 0)
            let lastID = data["last_id"].map(IMCtlRenderer.scalar) ?? "?"
            let queues = data["queues"].map(IMCtlRenderer.scalar) ?? "?"
            let milliseconds = data["milliseconds"]?.doubleValue ?? 0
            return .message(
                "wrote the index snapshot: \(bytes), \(queues) queues up to id \(lastID), in \(IMCtlOp.milliseconds(milliseconds))"
            )
        }
    }

    /// `summary`: the server's counters (`GET /summary`, GoBelieve's fields and ours).
    public struct Summary: IMCtlOperation {
        public static let command = "summary"
        public static let fields = ["appid"]
        public var appid: Int64?

        public init(appid: Int64? = nil) {
            self.appid = appid
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Summary.self, .init(appid: appid))
        }
    }

    /// `config show`: the configuration the server runs with, secrets redacted (`GET /config`).
    public struct ConfigShow: IMCtlOperation {
        public static let command = "config show"
        public static let fields: [String] = []

        public init() {}

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Config.self, IMAdminNone())
        }
    }

    /// `log-level`: shows the server's log level (`GET /log-level`), or sets it (`PUT /log-level`).
    public struct LogLevel: IMCtlOperation {
        public static let command = "log-level"
        public static let fields = ["level"]
        /// The levels, quietest last.
        public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        public var level: String?

        public init(level: String? = nil) {
            self.level = level
        }

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            guard let level else { return try IMCtlOp.request(IMAdmin.LogLevelShow.self, IMAdminNone()) }
            return try IMCtlOp.request(IMAdmin.LogLevelSet.self, .init(level: level))
        }

        public func present(_ data: IMJSON) -> IMCtlPresentation {
            let now = data["level"]?.stringValue ?? "?"
            if let previous = data["previous"]?.stringValue {
                return .message(
                    previous == now ? "log level: \(now) (unchanged)" : "log level: \(now) (was \(previous))"
                )
            }
            return .value(now)
        }
    }

    /// `metrics`: the Prometheus text (`GET /metrics`).
    public struct Metrics: IMCtlOperation {
        public static let command = "metrics"
        public static let fields: [String] = []

        public init() {}

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Metrics.self, IMAdminNone())
        }
    }

    /// `stack`: the server's thread and session dump (`GET /stack`), also written to its log.
    public struct Stack: IMCtlOperation {
        public static let command = "stack"
        public static let fields: [String] = []

        public init() {}

        public func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Stack.self, IMAdminNone())
        }
    }

    /// `3.1 ms`, `1.20 s`.
    static func milliseconds(_ value: Double) -> String {
        value < 1000 ? "\((value * 10).rounded() / 10) ms" : "\((value / 10).rounded() / 100) s"
    }
}
