import IMAdminClient

/// How a command's result reads in the text and CSV formats. (JSON and NDJSON print the data itself.)
package indirect enum IMCtlPresentation: Sendable, Equatable {
    /// One sentence: `kicked 2 sessions of user 42 (app 7)`.
    case message(String)
    /// One bare value, for `$(...)` in shell scripts: a token.
    case value(String)
    /// An object's fields, one `key  value` line each; nested objects flattened as `store.messages`.
    case record(IMJSON)
    /// Rows under column headers.
    case table([IMCtlColumn], [IMJSON])
    /// Text printed verbatim (`/metrics`, `/stack`).
    case text(String)
    /// Several of the above, separated by a blank line (a group and its members).
    case sections([IMCtlPresentation])
}

/// One column of a table: its header, where its value is in a row, and how it reads.
package struct IMCtlColumn: Sendable, Equatable {
    package enum Style: Sendable, Equatable {
        case plain
        /// Unix seconds as `2026-01-02 03:04:05Z`.
        case time
        /// `yes` / `no`.
        case yesNo
        /// Cut to this many characters (with `…`) in the text table; whole in CSV.
        case truncated(Int)
    }

    package var header: String
    /// The row's member; `a.b` reaches into a nested object.
    package var key: String
    package var style: Style

    package init(_ header: String, _ key: String, _ style: Style = .plain) {
        self.header = header
        self.key = key
        self.style = style
    }

    /// The row's value for this column (nil if absent).
    package func value(in row: IMJSON) -> IMJSON? {
        var current: IMJSON? = row
        for part in key.split(separator: ".") { current = current?[String(part)] }
        return current
    }
}
