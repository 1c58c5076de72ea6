import ArgumentParser

/// How a command prints what it got.
package enum IMCtlFormat: String, Sendable, CaseIterable, EnumerableFlag {
    /// Tables and sentences for people (the default).
    case text
    /// One envelope `{"ok":bool,"data":...,"error":{"code","message"}}`, pretty-printed; errors too.
    case json
    /// The data as JSON lines: a list's items one per line, anything else on one line.
    case ndjson
    /// The table as CSV (RFC 4180) with a header row.
    case csv
    /// The server's reply body exactly as it came.
    case raw

    package static func help(for value: IMCtlFormat) -> ArgumentHelp? {
        switch value {
        case .text: "Print tables and sentences for people."
        case .json: "Print one JSON envelope {\"ok\",\"data\",\"error\"}; errors too."
        case .ndjson: "Print the data as JSON lines, one per list item."
        case .csv: "Print the table as CSV with a header row."
        case .raw: "Print the server's reply body as it came."
        }
    }
}
