/// `--batch` text: a header, then one line per interval with the cluster's figures and its status.
package enum BatchLine {
    static let columns: [(String, Int, Figure?)] = [
        ("conns", 7, .connections), ("clients", 8, .clients), ("users", 7, .users), ("in/s", 8, .inRate),
        ("out/s", 8, .outRate), ("apnd/s", 8, .appendRate), ("fsync", 8, .fsync), ("cpu%", 6, .cpu), ("rss", 7, .rss),
    ]

    /// The column names, printed once.
    package static var header: String {
        var text = "time    " + pad("nodes", 7)
        for (title, width, _) in columns { text += pad(title, width) }
        return text + "  status"
    }

    /// One interval's line.
    package static func line(
        _ model: DashboardModel,
        _ report: StatusReport,
        units: Units = Units(unicode: false)
    )
        -> String
    {
        var text = TimeText.clock(model.time ?? 0) + pad("\(model.nodesUp)/\(model.nodes.count)", 7)
        for (_, width, figure) in columns {
            let value = figure.flatMap { model.cluster[$0]?.current }
            text += pad(value.map { units.format($0, figure!.unit) } ?? "-", width)
        }
        text += "  " + report.status.rawValue
        if !report.problems.isEmpty { text += ": " + report.problems.map(\.text).joined(separator: "; ") }
        return text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(1, width - text.count)) + text
    }
}
