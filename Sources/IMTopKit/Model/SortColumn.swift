import Foundation

/// The node table's sort columns, in the order `s` cycles through them (`--sort` takes the raw values).
package enum NodeSortColumn: String, CaseIterable, Sendable {
    case node
    case connections = "conns"
    case clients, users
    case inRate = "in"
    case outRate = "out"
    case appendRate = "appends"
    case fsync, cpu, rss

    /// The figure sorted by; nil for the node's name.
    package var figure: Figure? {
        switch self {
        case .node: nil
        case .connections: .connections
        case .clients: .clients
        case .users: .users
        case .inRate: .inRate
        case .outRate: .outRate
        case .appendRate: .appendRate
        case .fsync: .fsync
        case .cpu: .cpu
        case .rss: .rss
        }
    }

    /// The next column for `s`.
    package var next: NodeSortColumn {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// The per-app table's sort columns.
package enum AppSortColumn: String, CaseIterable, Sendable {
    case app, clients, users, nodes

    package var next: AppSortColumn {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

extension DashboardModel {
    /// Nodes by `column`: names A to Z with numbers in order (im-2 before im-10), figures largest first
    /// (`reversed` flips both); nodes without the figure (down, or not reported) come last either way.
    package func sortedNodes(by column: NodeSortColumn, reversed: Bool = false) -> [NodeState] {
        let names = displayNames
        func name(_ node: NodeState) -> String { names[node.server] ?? node.name }
        func ordered(_ a: NodeState, _ b: NodeState) -> Bool {
            name(a).compare(name(b), options: [.numeric, .caseInsensitive]) == .orderedAscending
        }
        guard let figure = column.figure else {
            return nodes.sorted { reversed ? ordered($1, $0) : ordered($0, $1) }
        }
        return nodes.sorted { a, b in
            switch (a[figure], b[figure]) {
            case (let x?, let y?) where x != y: return reversed ? x < y : x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return ordered(a, b)
            }
        }
    }

    /// Apps by `column`: app ids ascending, counts largest first (`reversed` flips).
    package func sortedApps(by column: AppSortColumn, reversed: Bool = false) -> [AppState] {
        apps.values.sorted { a, b in
            let (x, y): (Int64, Int64)
            switch column {
            case .app: return reversed ? a.appID > b.appID : a.appID < b.appID
            case .clients: (x, y) = (Int64(a.clients), Int64(b.clients))
            case .users: (x, y) = (Int64(a.users), Int64(b.users))
            case .nodes: (x, y) = (Int64(a.nodes), Int64(b.nodes))
            }
            if x != y { return reversed ? x < y : x > y }
            return a.appID < b.appID
        }
    }
}
