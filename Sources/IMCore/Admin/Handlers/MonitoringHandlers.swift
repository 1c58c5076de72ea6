import IMAdminAPI

/// What monitoring reads: `/summary`, `/health` and `/metrics` (no token needed) and `/stack`.
enum MonitoringHandlers {
    /// `GET /summary`: GoBelieve's figures and ours (`SummaryBuilder`).
    static func summary(_ admin: AdminContext, _ request: IMAdmin.SummaryQuery) async throws -> IMSummary {
        try await SummaryBuilder.summary(admin.core, appID: request.appid)
    }

    /// `GET /health`: answers while the server runs.
    static func health(_ admin: AdminContext, _ request: IMAdminNone) async throws -> IMAdmin.HealthStatus {
        IMAdmin.HealthStatus(status: "ok", nodeID: admin.core.configuration.nodeID, version: admin.core.version)
    }

    /// `GET /metrics`: Prometheus text from the same figures as `/summary`.
    static func metrics(_ admin: AdminContext, _ request: IMAdminNone) async throws -> String {
        admin.metrics.scrape()
    }

    /// `GET|POST /stack`: the dump, also logged.
    static func stack(_ admin: AdminContext, _ request: IMAdminNone) async throws -> String {
        let dump = await StackDump.make(core: admin.core)
        admin.core.logger.info("stack dump requested:\n\(dump)")
        return dump
    }
}
