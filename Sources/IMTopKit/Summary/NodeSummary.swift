import Foundation

/// One node's `/summary` reply, read leniently: the figures it has, its identity, and who is online per app.
package struct NodeSummary: Sendable, Equatable {
    /// Logged-in connections and distinct users of one app on one node (`/summary`'s `apps`).
    package struct AppCounts: Sendable, Equatable {
        package var clients: Int
        package var users: Int

        package init(clients: Int, users: Int) {
            self.clients = clients
            self.users = users
        }
    }

    /// `node_id`, absent from GoBelieve's replies.
    package var nodeID: String?
    package var version: String?
    package var values: [SummaryField: Double]
    /// Per app id; empty when the server does not report `apps`.
    package var apps: [Int64: AppCounts]
    /// Whether the reply had an `apps` object (servers without one get no per-app view).
    package var reportsApps: Bool

    package init(
        nodeID: String? = nil,
        version: String? = nil,
        values: [SummaryField: Double] = [:],
        apps: [Int64: AppCounts] = [:],
        reportsApps: Bool = false
    ) {
        self.nodeID = nodeID
        self.version = version
        self.values = values
        self.apps = apps
        self.reportsApps = reportsApps
    }

    package subscript(field: SummaryField) -> Double? {
        get { values[field] }
        set { values[field] = newValue }
    }

    /// Reads a decoded `/summary` object.
    ///
    /// - Throws: `NodeFailure` (`badReply`) when the object has none of `/summary`'s fields: the URL
    ///   points at something else.
    package init(json: [String: Any]) throws(NodeFailure) {
        var values: [SummaryField: Double] = [:]
        for field in SummaryField.allCases where !field.path.isEmpty {
            if let value = Self.number(at: field.path, in: json) { values[field] = value }
        }
        if let average = values[.storeAverageFsyncMicroseconds], let count = values[.storeFsyncs] {
            values[.storeFsyncMicroseconds] = average * count
        }
        guard values[.connections] != nil || values[.clients] != nil || values[.inMessages] != nil else {
            throw NodeFailure(.badReply, "not a /summary reply (no connection_count, client_count or in_message_count)")
        }
        var apps: [Int64: AppCounts] = [:]
        let appsObject = json["apps"] as? [String: Any]
        for (key, value) in appsObject ?? [:] {
            guard let appID = Int64(key), let app = value as? [String: Any] else { continue }
            apps[appID] = AppCounts(
                clients: Self.number(at: ["client_count"], in: app).map { Int($0) } ?? 0,
                users: Self.number(at: ["clientset_count"], in: app).map { Int($0) } ?? 0
            )
        }
        self.init(
            nodeID: json["node_id"] as? String,
            version: json["version"] as? String,
            values: values,
            apps: apps,
            reportsApps: appsObject != nil
        )
    }

    /// Reads `/summary`'s JSON bytes.
    package init(data: Data) throws(NodeFailure) {
        guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
            let start = String(decoding: data.prefix(60), as: UTF8.self)
            throw NodeFailure(.badReply, "the reply is not a JSON object: \"\(start)\"")
        }
        try self.init(json: json)
    }

    static func number(at path: [String], in object: [String: Any]) -> Double? {
        var current: Any = object
        for key in path {
            guard let dictionary = current as? [String: Any], let next = dictionary[key] else { return nil }
            current = next
        }
        // JSONSerialization gives NSNumbers; `is Bool` holds for any 0 or 1, so a JSON bool (no figure) is
        // told apart by its type code, "c".
        guard let number = current as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let value = number.doubleValue
        return value.isFinite ? value : nil
    }
}
