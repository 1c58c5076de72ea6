extension ScreenLayout {
    /// A column of the node table.
    enum NodeColumn: CaseIterable {
        case name, status, connections, clients, users, inRate, inOneMinute, inFiveMinutes, outRate, appendRate
        case fsync, cpu, rss, replicaLag, history

        var title: String {
            switch self {
            case .name: "NODE"
            case .status: "ST"
            case .connections: "CONNS"
            case .clients: "CLIENTS"
            case .users: "USERS"
            case .inRate: "IN/S"
            case .inOneMinute: "IN 1M"
            case .inFiveMinutes: "IN 5M"
            case .outRate: "OUT/S"
            case .appendRate: "APND/S"
            case .fsync: "FSYNC"
            case .cpu: "CPU%"
            case .rss: "RSS"
            case .replicaLag: "REPLAG"
            case .history: "HISTORY"
            }
        }

        /// The narrowest it can be (name and history grow into what is left).
        var width: Int {
            switch self {
            case .name: 8
            case .status: 4
            case .connections, .users, .rss: 6
            case .cpu: 5
            case .history: 15
            default: 7
            }
        }

        /// Columns are added from 0 up while they fit; they show in `allCases` order.
        var priority: Int {
            switch self {
            case .name, .status: 0
            case .connections, .inRate: 1
            case .outRate, .fsync: 2
            case .cpu, .history: 3
            case .appendRate: 4
            case .rss: 5
            case .clients: 6
            case .users: 7
            case .inOneMinute: 8
            case .inFiveMinutes: 9
            case .replicaLag: 10
            }
        }

        var figure: Figure? {
            switch self {
            case .connections: .connections
            case .clients: .clients
            case .users: .users
            case .inRate, .inOneMinute, .inFiveMinutes: .inRate
            case .outRate: .outRate
            case .appendRate: .appendRate
            case .fsync: .fsync
            case .cpu: .cpu
            case .rss: .rss
            case .replicaLag: .replicaLag
            case .name, .status, .history: nil
            }
        }

        var sortColumn: NodeSortColumn? {
            switch self {
            case .name: .node
            case .connections: .connections
            case .clients: .clients
            case .users: .users
            case .inRate: .inRate
            case .outRate: .outRate
            case .appendRate: .appendRate
            case .fsync: .fsync
            case .cpu: .cpu
            case .rss: .rss
            default: nil
            }
        }
    }

    /// Which columns fit `width`, and the widths of the growing ones.
    static func fit<Column: Hashable>(
        _ columns: [Column],
        width: Int,
        minimum: (Column) -> Int,
        priority: (Column) -> Int
    ) -> [Column: Int] {
        var chosen: [Column: Int] = [:]
        var used = 1
        for column in columns.sorted(by: { priority($0) < priority($1) }) {
            let needed = minimum(column) + (chosen.isEmpty ? 0 : 1)
            guard used + needed <= width else { continue }
            chosen[column] = minimum(column)
            used += needed
        }
        return chosen
    }

    /// The node table in `height` rows, and the scroll position it used (`view.scroll` kept in range).
    func nodeTable(height: Int) -> (lines: [ScreenFrame.Line], scroll: Int) {
        guard height > 1 else { return ([], 0) }
        let historyFigure = view.nodeSort.figure ?? .inRate
        // Names get up to 24 columns (or a third of the screen) before figures of lower priority; the
        // status column holds "DOWN", or the TOTAL row's "12/12".
        let longest = model.nodes.map { (names[$0.server] ?? $0.name).count }.max() ?? 0
        let nameWidth = max(NodeColumn.name.width, min(longest, 24, width / 3))
        let statusWidth = max(4, "\(model.nodesUp)/\(model.nodes.count)".count)
        var widths = Self.fit(
            NodeColumn.allCases,
            width: width,
            minimum: { $0 == .status ? statusWidth : $0 == .name ? nameWidth : $0.width },
            priority: { $0.sortColumn == view.nodeSort ? 1 : $0.priority }  // the sort column always shows
        )
        let spare = width - 1 - widths.values.reduce(0, +) - (widths.count - 1)
        if let history = widths[.history] {
            widths[.history] = min(history + spare, FigureSeries.historyLength + 7)
        }
        let columns = NodeColumn.allCases.filter { widths[$0] != nil }

        var heading = ScreenFrame.Line([.init(" ", .heading)])
        for (index, column) in columns.enumerated() {
            if index > 0 { heading.add(" ", .heading) }
            let style: ScreenFrame.Style = column.sortColumn == view.nodeSort ? .headingSorted : .heading
            var title = column.title
            if column == .history { title = "\(historyTitle(historyFigure)) HISTORY" }
            if column == .name || column == .status || column == .history {
                heading.left(title, widths[column]!, style)
            } else {
                heading.right(title, widths[column]!, style)
            }
        }
        heading = heading.fitted(to: width, padStyle: .heading)

        let nodes = model.sortedNodes(by: view.nodeSort, reversed: view.reversed)
        let showTotal = model.nodes.count > 1
        let footerRows = showTotal ? (height >= nodes.count + 3 ? 2 : 1) : 0
        var rowsRoom = height - 1 - footerRows
        var lines = [heading]
        let scroll = min(view.scroll, max(0, nodes.count - rowsRoom))
        let hidden = nodes.count - scroll > rowsRoom
        if hidden { rowsRoom -= 1 }
        for node in nodes.dropFirst(scroll).prefix(max(0, rowsRoom)) {
            lines.append(nodeRow(node, columns: columns, widths: widths, historyFigure: historyFigure))
        }
        if hidden || scroll > 0 {
            let below = max(0, nodes.count - scroll - rowsRoom)
            let arrow = context.unicode ? "↑↓" : "up/down"
            lines.append(ScreenFrame.Line([.init(" \(scroll) above, \(below) below (\(arrow) to scroll)", .dim)]))
        }
        if showTotal {
            if footerRows == 2 {
                lines.append(
                    ScreenFrame.Line([
                        .init(" " + String(repeating: context.unicode ? "─" : "-", count: width - 2), .dim)
                    ])
                )
            }
            lines.append(totalRow(columns: columns, widths: widths, historyFigure: historyFigure))
        }
        return (lines, scroll)
    }

    func nodeRow(
        _ node: NodeState,
        columns: [NodeColumn],
        widths: [NodeColumn: Int],
        historyFigure: Figure
    ) -> ScreenFrame.Line {
        var line = ScreenFrame.Line([.init(" ")])
        line.left(names[node.server] ?? node.name, widths[.name]!, node.isUp ? .bold : .normal)
        line.add(" ")
        switch node.status {
        case .waiting:
            line.left("wait", widths[.status]!, .dim)
            line.add(" waiting for the first answer from \(node.server)", .dim)
            return line
        case .down(let failure, let since):
            let unreachable = failure.kind == .unreachable
            line.left(unreachable ? "DOWN" : "ERR", widths[.status]!, unreachable ? .down : .warning)
            let seen =
                node.lastSeen.map { "last seen \(units.duration(seconds: context.now - $0)) ago" }
                ?? "never seen (for \(units.duration(seconds: context.now - since)))"
            let retry = context.replay == nil ? "\(separator)retrying every \(ViewState.plain(view.pacing))s" : ""
            line.add(" \(seen)\(separator)\(failure.message)\(retry)", unreachable ? .critical : .warning)
            return line
        case .up:
            let restarted = node.recentlyRestarted(now: context.now)
            if restarted {
                line.left("rst", widths[.status]!, .restarted)
            } else if node.summary?[.isDeposed] == 1 {
                // A former primary whose replica was promoted: it takes no writes.
                line.left("DEPO", widths[.status]!, .critical)
            } else if node.summary?[.isReplica] == 1 {
                // A replication replica: read-only; in capitals when it has lost its primary.
                let connected = node.summary?[.primaryConnected] == 1
                line.left(connected ? "repl" : "REPL", widths[.status]!, connected ? .good : .warning)
            } else {
                line.left("up", widths[.status]!, .good)
            }
        }
        for column in columns where column != .name && column != .status {
            line.add(" ")
            let series = column.figure.flatMap { node.figures[$0] }
            switch column {
            case .history:
                line.add(history(node.figures[historyFigure] ?? FigureSeries(), historyFigure, width: widths[column]!))
            case .inOneMinute:
                cell(&line, series?.oneMinute, column.figure!, width: widths[column]!, level: .ok)
            case .inFiveMinutes:
                cell(&line, series?.fiveMinutes, column.figure!, width: widths[column]!, level: .ok)
            default:
                let figure = column.figure!
                cell(&line, node[figure], figure, width: widths[column]!, level: thresholds.level(figure, node[figure]))
            }
        }
        return line
    }

    func totalRow(columns: [NodeColumn], widths: [NodeColumn: Int], historyFigure: Figure) -> ScreenFrame.Line {
        var line = ScreenFrame.Line([.init(" ")])
        line.left("TOTAL", widths[.name]!, .bold)
        line.add(" ")
        line.left(
            "\(model.nodesUp)/\(model.nodes.count)",
            widths[.status]!,
            model.nodesUp < model.nodes.count ? .down : .bold
        )
        for column in columns where column != .name && column != .status {
            line.add(" ")
            let series = column.figure.flatMap { model.cluster[$0] }
            switch column {
            case .history:
                line.add(history(model.cluster[historyFigure] ?? FigureSeries(), historyFigure, width: widths[column]!))
            case .inOneMinute:
                cell(&line, series?.oneMinute, column.figure!, width: widths[column]!, level: .ok, bold: true)
            case .inFiveMinutes:
                cell(&line, series?.fiveMinutes, column.figure!, width: widths[column]!, level: .ok, bold: true)
            default:
                cell(&line, series?.current, column.figure!, width: widths[column]!, level: .ok, bold: true)
            }
        }
        return line
    }

    /// A right-aligned figure: "-" (dim) when unknown, coloured by its threshold level.
    func cell(
        _ line: inout ScreenFrame.Line,
        _ value: Double?,
        _ figure: Figure,
        width: Int,
        level: AlertLevel,
        bold: Bool = false
    ) {
        guard let value else { return line.right("-", width, .dim) }
        line.right(units.format(value, figure.unit), width, level == .ok && bold ? .bold : style(level))
    }

    /// A sparkline and its peak in `width` columns.
    func history(_ series: FigureSeries, _ figure: Figure, width: Int) -> [ScreenFrame.Span] {
        let sparkWidth = width - 7
        let peak = series.peak(last: sparkWidth).map { units.format($0, figure.unit) } ?? "-"
        var line = ScreenFrame.Line()
        line.add(Sparkline.render(series.history, width: sparkWidth, unicode: context.unicode), .good)
        line.right(peak, 7, .dim)
        return line.spans
    }

    /// The column title of the figure the history column shows.
    func historyTitle(_ figure: Figure) -> String {
        NodeColumn.allCases.first { $0.figure == figure && $0.sortColumn != nil }?.title ?? figure.rawValue.uppercased()
    }
}
