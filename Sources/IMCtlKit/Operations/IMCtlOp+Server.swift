import IMAdminClient

extension IMCtlOp {
    /// `words reload`: re-reads the server's word filter list (`POST /words/reload`).
    package struct WordsReload: IMCtlOperation {
        package static let command = "words reload"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.WordsReload.self, IMAdminNone())
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            .message("reloaded the word list: \(data["words"].map(IMCtlRenderer.scalar) ?? "?") words")
        }
    }

    /// `words show`: the word file and how many words are in use (`GET /words`).
    package struct WordsShow: IMCtlOperation {
        package static let command = "words show"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.WordsShow.self, IMAdminNone())
        }
    }

    /// `store stats`: the message store's figures (`GET /store/stats`).
    package struct StoreStats: IMCtlOperation {
        package static let command = "store stats"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.StoreStats.self, IMAdminNone())
        }
    }

    /// `store snapshot`: writes the store's index snapshot now (`POST /store/snapshot`).
    package struct StoreSnapshot: IMCtlOperation {
        package static let command = "store snapshot"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.StoreSnapshot.self, IMAdminNone())
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            let bytes = IMCtlRenderer.bytes(data["bytes"]?.intValue ?? 0)
            let lastID = data["last_id"].map(IMCtlRenderer.scalar) ?? "?"
            let queues = data["queues"].map(IMCtlRenderer.scalar) ?? "?"
            let milliseconds = data["milliseconds"]?.doubleValue ?? 0
            return .message(
                "wrote the index snapshot: \(bytes), \(queues) queues up to id \(lastID), in \(IMCtlOp.milliseconds(milliseconds))"
            )
        }
    }

    /// `store compact`: applies the store's retention now (`POST /store/compact`).
    package struct StoreCompact: IMCtlOperation {
        package static let command = "store compact"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.StoreCompact.self, IMAdminNone())
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            let segments = data["segments_deleted"]?.intValue ?? 0
            let freed = IMCtlRenderer.bytes(data["bytes_freed"]?.intValue ?? 0)
            let messages = data["messages_removed"].map(IMCtlRenderer.scalar) ?? "?"
            let oldest = data["oldest_key"].map(IMCtlRenderer.scalar) ?? "?"
            let kept = IMCtlRenderer.bytes(data["bytes"]?.intValue ?? 0)
            guard segments > 0 else {
                return .message("nothing past retention: \(kept) kept, the oldest key is \(oldest)")
            }
            return .message(
                "deleted \(segments) segments (\(freed), \(messages) messages): \(kept) kept, the oldest key is \(oldest)"
            )
        }
    }

    /// `store promote`: turns this replica into a primary (`POST /store/promote`).
    package struct StorePromote: IMCtlOperation {
        package static let command = "store promote"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.StorePromote.self, IMAdminNone())
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
            let first = data["first_id"].map(IMCtlRenderer.scalar) ?? "?"
            let last = data["last_id"].map(IMCtlRenderer.scalar) ?? "?"
            let position = data["position"].map(IMCtlRenderer.scalar) ?? "?"
            return .message("promoted to primary: its log ends at \(position) (id \(last)); new messages get ids from \(first)")
        }
    }

    /// `summary`: the server's counters (`GET /summary`, GoBelieve's fields and ours).
    package struct Summary: IMCtlOperation {
        package static let command = "summary"
        package static let fields = ["appid"]
        package var appid: Int64?

        package init(appid: Int64? = nil) {
            self.appid = appid
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Summary.self, .init(appid: appid))
        }
    }

    /// `config show`: the configuration the server runs with, secrets redacted (`GET /config`).
    package struct ConfigShow: IMCtlOperation {
        package static let command = "config show"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Config.self, IMAdminNone())
        }
    }

    /// `log-level`: shows the server's log level (`GET /log-level`), or sets it (`PUT /log-level`).
    package struct LogLevel: IMCtlOperation {
        package static let command = "log-level"
        package static let fields = ["level"]
        /// The levels, quietest last.
        package static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        package var level: String?

        package init(level: String? = nil) {
            self.level = level
        }

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            guard let level else { return try IMCtlOp.request(IMAdmin.LogLevelShow.self, IMAdminNone()) }
            return try IMCtlOp.request(IMAdmin.LogLevelSet.self, .init(level: level))
        }

        package func present(_ data: IMJSON) -> IMCtlPresentation {
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
    package struct Metrics: IMCtlOperation {
        package static let command = "metrics"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Metrics.self, IMAdminNone())
        }
    }

    /// `stack`: the server's thread and session dump (`GET /stack`), also written to its log.
    package struct Stack: IMCtlOperation {
        package static let command = "stack"
        package static let fields: [String] = []

        package init() {}

        package func request() throws(IMCtlFailure) -> IMAdminRequest {
            try IMCtlOp.request(IMAdmin.Stack.self, IMAdminNone())
        }
    }

    /// `3.1 ms`, `1.20 s`.
    static func milliseconds(_ value: Double) -> String {
        value < 1000 ? "\((value * 10).rounded() / 10) ms" : "\((value / 10).rounded() / 100) s"
    }
}
