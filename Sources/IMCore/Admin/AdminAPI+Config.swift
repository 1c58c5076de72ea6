import Hummingbird

extension AdminAPI {
    /// `GET /config` → `{"data":{...}}`: the configuration the server runs with, secrets redacted
    /// (`IMServerConfiguration.redactedJSON`), plus the current `log_level`.
    static func addConfigRoutes(to router: Router<BasicRequestContext>, core: ServerContext) {
        router.get("/config") { _, _ in
            var object = core.configuration.redactedJSON
            object["log_level"] = core.logLevel.level.rawValue
            return AdminJSON.data(object)
        }
    }
}
