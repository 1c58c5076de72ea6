import Foundation
import IMAdminAPI

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
    /// Whether the node is one of a cluster (`cluster`: it has `postgres_url`): `/nodes` lists the others.
    package var inCluster: Bool

    package init(
        nodeID: String? = nil,
        version: String? = nil,
        values: [SummaryField: Double] = [:],
        apps: [Int64: AppCounts] = [:],
        reportsApps: Bool = false,
        inCluster: Bool = false
    ) {
        self.nodeID = nodeID
        self.version = version
        self.values = values
        self.apps = apps
        self.reportsApps = reportsApps
        self.inCluster = inCluster
    }

    package subscript(field: SummaryField) -> Double? {
        get { values[field] }
        set { values[field] = newValue }
    }

    /// Reads a node's `/summary`.
    ///
    /// - Throws: `NodeFailure` (`badReply`) when the reply has none of `/summary`'s fields: the URL points
    ///   at something else.
    package init(summary: IMSummary) throws(NodeFailure) {
        var values: [SummaryField: Double] = [:]
        for field in SummaryField.allCases {
            if let value = field.value(in: summary), value.isFinite { values[field] = value }
        }
        if let average = values[.storeAverageFsyncMicroseconds], let count = values[.storeFsyncs] {
            values[.storeFsyncMicroseconds] = average * count
        }
        guard values[.connections] != nil || values[.clients] != nil || values[.inMessages] != nil else {
            throw NodeFailure(.badReply, "not a /summary reply (no connection_count, client_count or in_message_count)")
        }
        var apps: [Int64: AppCounts] = [:]
        for (appID, app) in summary.apps ?? [:] {
            apps[appID] = AppCounts(clients: Int(app.clientCount ?? 0), users: Int(app.clientsetCount ?? 0))
        }
        self.init(
            nodeID: summary.nodeID,
            version: summary.version,
            values: values,
            apps: apps,
            reportsApps: summary.apps != nil,
            inCluster: summary.cluster != nil
        )
    }

    /// Reads `/summary`'s JSON bytes.
    package init(data: Data) throws(NodeFailure) {
        let summary: IMSummary
        do {
            summary = try IMAdmin.Summary.Reply.decode(Array(data))
        } catch {
            let start = String(decoding: data.prefix(60), as: UTF8.self)
            throw NodeFailure(.badReply, "the reply is not a JSON object: \"\(start)\"")
        }
        try self.init(summary: summary)
    }

    /// Reads a `/summary` object decoded by `JSONSerialization` (a recording's line).
    package init(json: [String: Any]) throws(NodeFailure) {
        guard let data = try? JSONSerialization.data(withJSONObject: json) else {
            throw NodeFailure(.badReply, "the reply is not a JSON object")
        }
        try self.init(data: data)
    }

    /// A number in a `JSONSerialization` object (a recording's fields).
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
