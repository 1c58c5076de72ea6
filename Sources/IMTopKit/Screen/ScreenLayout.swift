/// Lays the dashboard out for one terminal size: title bar, cluster totals, the header block (each key
/// figure's value, average since start, 1 and 5 minute moving averages, history and peak), the node or
/// app table, and the footer. Pure: the same inputs give the same frame.
package struct ScreenLayout {
    /// Below this the dashboard says the terminal is too small instead of drawing.
    package static let minimumWidth = 60
    package static let minimumHeight = 12

    /// The figures of the header block, in order.
    static let blockFigures: [(Figure, String)] = [
        (.inRate, "In/s"), (.outRate, "Out/s"), (.appendRate, "Appends/s"), (.fsync, "Fsync"), (.connections, "Conns"),
    ]

    let model: DashboardModel
    let view: ViewState
    let thresholds: Thresholds
    let context: ScreenContext
    let width: Int
    let height: Int
    let units: Units
    let names: [String: String]
    /// The worst level of each figure over the nodes (the header shows a figure in its worst node's colour).
    let worst: [Figure: AlertLevel]

    /// The frame for a `width` × `height` terminal.
    package static func render(
        model: DashboardModel,
        view: ViewState,
        thresholds: Thresholds,
        context: ScreenContext,
        width: Int,
        height: Int
    ) -> ScreenFrame {
        ScreenLayout(
            model: model,
            view: view,
            thresholds: thresholds,
            context: context,
            width: width,
            height: height
        ).frame()
    }

    init(
        model: DashboardModel,
        view: ViewState,
        thresholds: Thresholds,
        context: ScreenContext,
        width: Int,
        height: Int
    ) {
        self.model = model
        self.view = view
        self.thresholds = thresholds
        self.context = context
        self.width = width
        self.height = height
        units = Units(unicode: context.unicode)
        names = model.displayNames
        var worst: [Figure: AlertLevel] = [:]
        for alert in thresholds.alerts(model) { worst[alert.figure] = max(worst[alert.figure] ?? .ok, alert.level) }
        self.worst = worst
    }

    var separator: String { context.unicode ? " · " : " | " }

    func frame() -> ScreenFrame {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return tooSmall() }
        var lines = [titleBar()]
        var scroll = view.scroll
        if view.showingHelp {
            lines += help()
        } else {
            lines.append(summaryLine())
            // Rows for the table: the header block gives way (bottom rows first) so at least a few show.
            let available = height - 4
            let wanted =
                view.page == .nodes ? model.nodes.count + (model.nodes.count > 1 ? 2 : 0) : max(1, model.apps.count)
            let blockRows = min(Self.blockFigures.count, available - min(wanted, 3) - 2)
            if blockRows > 0 { lines += block(rows: blockRows) + [ScreenFrame.Line()] }
            let tableHeight = height - lines.count - 1
            let table = view.page == .nodes ? nodeTable(height: tableHeight) : appTable(height: tableHeight)
            lines += table.lines
            scroll = table.scroll
        }
        while lines.count < height - 1 { lines.append(ScreenFrame.Line()) }
        lines = Array(lines.prefix(height - 1))
        lines.append(footer())
        return ScreenFrame(
            width: width,
            height: height,
            lines: lines.enumerated().map { index, line in
                line.fitted(to: width, padStyle: index == 0 ? .title : index == height - 1 ? .footer : nil)
            },
            scroll: scroll
        )
    }

    // MARK: - Title, summary, footer

    func titleBar() -> ScreenFrame.Line {
        var line = ScreenFrame.Line()
        line.add(" imtop \(context.imtopVersion)", .title)
        line.add(separator, .title)
        let up = model.nodesUp
        let nodes = "\(up)/\(model.nodes.count) node\(model.nodes.count == 1 ? "" : "s") up"
        line.add(nodes, up < model.nodes.count && model.pollCount > 0 ? .titleAlert : .title)
        line.add(separator, .title)
        if let replay = context.replay {
            line.add("REPLAY \(replay.name) ×\(ViewState.plain(view.pacing))", .titleNote)
            if replay.finished { line.add(" END", .titleNote) }
        } else {
            line.add("every \(ViewState.plain(view.pacing))s", .title)
        }
        line.add(separator, .title)
        let arrow = view.reversed ? (context.unicode ? "▲" : "^") : (context.unicode ? "▼" : "v")
        let sort = view.page == .nodes ? sortTitle(view.nodeSort) : view.appSort.rawValue
        line.add("sort \(sort) \(arrow)", .title)
        if view.paused {
            line.add(" ", .title)
            line.add(context.replay == nil ? "PAUSED" : "STOPPED", .titleNote)
        }
        var right = context.replay == nil ? TimeText.clock(context.now) : TimeText.dateAndClock(context.now)
        if let recording = context.recording { right = "REC \(Self.fileName(recording))" + separator + right }
        right += " "
        let room = width - line.width
        if room >= right.count + 1 {
            line.add(String(repeating: " ", count: room - right.count), .title)
            line.add(right, .title)
        }
        return line
    }

    func summaryLine() -> ScreenFrame.Line {
        var items: [(String, String, ScreenFrame.Style)] = []
        func figure(_ label: String, _ figure: Figure, suffix: String = "") {
            guard let value = model.cluster[figure]?.current else {
                items.append((label, "-", .dim))
                return
            }
            items.append((label, units.format(value, figure.unit) + suffix, style(worst[figure] ?? .ok)))
        }
        figure("Clients", .clients)
        figure("Users", .users)
        figure("Logins", .loginRate, suffix: "/s")
        figure("Dropped", .droppedRate, suffix: "/s")
        figure("CPU", .cpu)
        figure("RSS", .rss)
        if let uptime = model.youngestUptime {
            items.append((model.nodes.count > 1 ? "Up (min)" : "Up", units.duration(seconds: uptime), .normal))
        }
        let versions = model.versions
        if !versions.isEmpty {
            items.append(("Version", versions.joined(separator: ","), versions.count > 1 ? .warning : .normal))
        }
        var line = ScreenFrame.Line()
        for (label, value, style) in items {
            let item = " \(label) \(value) "
            guard line.width + item.count <= width else { break }
            line.add(" \(label) ", .label)
            line.add(value, style)
            line.add(" ")
        }
        return line
    }

    func footer() -> ScreenFrame.Line {
        var line = ScreenFrame.Line()
        if let message = view.message(at: context.wallClock) {
            line.add(" \(message)", .footer)
            return line
        }
        let scroll = context.unicode ? "↑↓" : "up/dn"
        let pacing = context.replay == nil ? "interval" : "speed"
        let keys: [(String, String)] = [
            ("q", "quit"), ("p", view.paused ? "resume" : "pause"), ("s", "sort"), ("r", "reverse"),
            ("a", view.page == .nodes ? "apps" : "nodes"), ("h", "help"), ("+/-", pacing), (scroll, "scroll"),
        ]
        for (key, action) in keys {
            guard line.width + key.count + action.count + 3 <= width else { break }
            line.add(" \(key)", .footer)
            line.add(" \(action) ", .footer)
        }
        return line
    }

    func tooSmall() -> ScreenFrame {
        let messages = [
            "terminal too small: \(width)x\(height)",
            "imtop needs \(Self.minimumWidth)x\(Self.minimumHeight); q quits",
        ]
        var lines = [ScreenFrame.Line](repeating: ScreenFrame.Line(), count: max(0, height))
        for (offset, message) in messages.enumerated() {
            let row = max(0, height / 2 - 1) + offset
            guard row < height else { break }
            let text = String(message.prefix(width))
            var line = ScreenFrame.Line()
            line.add(String(repeating: " ", count: max(0, (width - text.count) / 2)))
            line.add(text, offset == 0 ? .warning : .normal)
            lines[row] = line
        }
        return ScreenFrame(width: width, height: height, lines: lines)
    }

    // MARK: - Header block

    func block(rows: Int) -> [ScreenFrame.Line] {
        // label, now, since start, 1 min, 5 min, history, peak; the averages go when the history would be
        // too short.
        let labelWidth = 11
        var averages = [("since start", 12), ("1 min", 8), ("5 min", 8)]
        var historyWidth = width - 1 - labelWidth - 8 - averages.reduce(0) { $0 + $1.1 } - 2 - 8
        while historyWidth < 12, !averages.isEmpty {
            historyWidth += averages.removeLast().1
        }
        historyWidth = min(historyWidth, FigureSeries.historyLength)
        var heading = ScreenFrame.Line()
        heading.add(String(repeating: " ", count: 1 + labelWidth))
        heading.right("now", 8, .dim)
        for (title, columnWidth) in averages { heading.right(title, columnWidth, .dim) }
        heading.add("  ")
        heading.left("history", historyWidth, .dim)
        heading.right("peak", 8, .dim)
        var lines = [heading]
        for (figure, label) in Self.blockFigures.prefix(rows) {
            let series = model.cluster[figure] ?? FigureSeries()
            var line = ScreenFrame.Line()
            line.add(" ")
            line.left(label, labelWidth, .label)
            line.right(
                series.current.map { units.format($0, figure.unit) } ?? "-",
                8,
                valueStyle(figure, series.current)
            )
            let values = [series.sinceStart, series.oneMinute, series.fiveMinutes]
            for ((_, columnWidth), value) in zip(averages, values) {
                let notApplicable = value == nil && figure.counter == nil && figure != .fsync && figure != .cpu
                line.right(value.map { units.format($0, figure.unit) } ?? (notApplicable ? "" : "-"), columnWidth)
            }
            line.add("  ")
            line.add(Sparkline.render(series.history, width: historyWidth, unicode: context.unicode), .good)
            let peak = series.peak(last: historyWidth)
            line.right(peak.map { units.format($0, figure.unit) } ?? "-", 8, .dim)
            lines.append(line)
        }
        return lines
    }

    // MARK: - Helpers

    func style(_ level: AlertLevel) -> ScreenFrame.Style {
        switch level {
        case .ok: .normal
        case .warning: .warning
        case .critical: .critical
        }
    }

    /// The header's style for a cluster figure: its worst node's level.
    func valueStyle(_ figure: Figure, _ value: Double?) -> ScreenFrame.Style {
        value == nil ? .dim : style(worst[figure] ?? .ok)
    }

    func sortTitle(_ column: NodeSortColumn) -> String {
        switch column {
        case .node: "node"
        case .connections: "conns"
        case .inRate: "in/s"
        case .outRate: "out/s"
        case .appendRate: "appends/s"
        default: column.rawValue
        }
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
