extension ScreenLayout {
    /// A column of the per-app table.
    enum AppColumn: CaseIterable {
        case app, clients, users, perUser, share, nodes, oneMinute, history

        var title: String {
            switch self {
            case .app: "APP"
            case .clients: "CLIENTS"
            case .users: "USERS"
            case .perUser: "DEV/USER"
            case .share: "SHARE"
            case .nodes: "NODES"
            case .oneMinute: "1M AVG"
            case .history: "CLIENTS HISTORY"
            }
        }

        var width: Int {
            switch self {
            case .app: 10
            case .clients, .perUser, .oneMinute: 8
            case .users: 7
            case .share, .nodes: 6
            case .history: 22
            }
        }

        var priority: Int {
            switch self {
            case .app, .clients: 0
            case .users, .share: 1
            case .history: 2
            case .nodes: 3
            case .perUser: 4
            case .oneMinute: 5
            }
        }

        var sortColumn: AppSortColumn? {
            switch self {
            case .app: .app
            case .clients: .clients
            case .users: .users
            case .nodes: .nodes
            default: nil
            }
        }
    }

    /// The per-app table in `height` rows, and the scroll position it used.
    func appTable(height: Int) -> (lines: [ScreenFrame.Line], scroll: Int) {
        guard height > 1 else { return ([], 0) }
        guard model.hasAppFigures else {
            let text =
                model.pollCount == 0
                ? " waiting for the first answer"
                : " no per-app figures: the nodes' /summary has no \"apps\" (GoBelieve and older imd do not report it)"
            return ([ScreenFrame.Line([.init(text, .dim)])], 0)
        }
        var widths = Self.fit(
            AppColumn.allCases,
            width: width,
            minimum: \.width,
            priority: { $0.sortColumn == view.appSort ? 0 : $0.priority }
        )
        let spare = width - 1 - widths.values.reduce(0, +) - (widths.count - 1)
        if let history = widths[.history] { widths[.history] = min(history + spare, FigureSeries.historyLength + 7) }
        let columns = AppColumn.allCases.filter { widths[$0] != nil }

        var heading = ScreenFrame.Line([.init(" ", .heading)])
        for (index, column) in columns.enumerated() {
            if index > 0 { heading.add(" ", .heading) }
            let style: ScreenFrame.Style = column.sortColumn == view.appSort ? .headingSorted : .heading
            if column == .app || column == .history {
                heading.left(column.title, widths[column]!, style)
            } else {
                heading.right(column.title, widths[column]!, style)
            }
        }
        var lines = [heading.fitted(to: width, padStyle: .heading)]
        let apps = model.sortedApps(by: view.appSort, reversed: view.reversed)
        guard !apps.isEmpty else { return (lines + [ScreenFrame.Line([.init(" nobody is online", .dim)])], 0) }
        let totalClients = max(1, apps.reduce(0) { $0 + $1.clients })
        var rowsRoom = height - 1
        let scroll = min(view.scroll, max(0, apps.count - rowsRoom))
        let hidden = apps.count - scroll > rowsRoom
        if hidden { rowsRoom -= 1 }
        for app in apps.dropFirst(scroll).prefix(max(0, rowsRoom)) {
            var line = ScreenFrame.Line([.init(" ")])
            for (index, column) in columns.enumerated() {
                if index > 0 { line.add(" ") }
                let columnWidth = widths[column]!
                switch column {
                case .app: line.left(String(app.appID), columnWidth, app.clients > 0 ? .bold : .dim)
                case .clients: line.right(units.count(Double(app.clients)), columnWidth)
                case .users: line.right(units.count(Double(app.users)), columnWidth)
                case .perUser:
                    line.right(
                        app.users > 0 ? String(format2(Double(app.clients) / Double(app.users))) : "-",
                        columnWidth,
                        app.users > 0 ? .normal : .dim
                    )
                case .share: line.right(units.percent(Double(app.clients) * 100 / Double(totalClients)), columnWidth)
                case .nodes: line.right("\(app.nodes)/\(model.nodesUp)", columnWidth)
                case .oneMinute:
                    line.right(app.series.oneMinute.map { units.count($0) } ?? "-", columnWidth)
                case .history: line.add(history(app.series, .clients, width: columnWidth))
                }
            }
            lines.append(line)
        }
        if hidden || scroll > 0 {
            let below = max(0, apps.count - scroll - rowsRoom)
            let arrow = context.unicode ? "↑↓" : "up/down"
            lines.append(ScreenFrame.Line([.init(" \(scroll) above, \(below) below (\(arrow) to scroll)", .dim)]))
        }
        return (lines, scroll)
    }

    /// "1.50".
    private func format2(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
    }
}
