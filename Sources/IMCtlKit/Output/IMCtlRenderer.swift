import Foundation
import IMAdminClient

/// Turns data and presentations into the text of each format. Pure: strings in, strings out.
package enum IMCtlRenderer {
    /// The JSON envelope: `{"ok":bool,"data":...,"error":{"code","message"[,"status"]}|null}`.
    package static func envelope(data: IMJSON, failure: IMCtlFailure?) -> IMJSON {
        ["ok": .bool(failure == nil), "data": data, "error": failure?.json ?? .null]
    }

    /// `--ndjson`: an array's elements one per line; null prints nothing; anything else one line.
    package static func ndjson(_ data: IMJSON) -> String {
        switch data {
        case .null: ""
        case .array(let elements): elements.map { $0.encoded() + "\n" }.joined()
        default: data.encoded() + "\n"
        }
    }

    /// `--text`.
    package static func text(_ presentation: IMCtlPresentation) -> String {
        switch presentation {
        case .message(let line), .value(let line):
            return line + "\n"
        case .text(let text):
            return text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
        case .record(let json):
            let fields = flatten(json)
            guard !fields.isEmpty else { return "(empty)\n" }
            let width = fields.map(\.key.count).max() ?? 0
            return fields.map { field in
                field.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + (field.value.isEmpty ? "-" : field.value) + "\n"
            }.joined()
        case .table(let columns, let rows):
            guard !rows.isEmpty else { return "(none)\n" }
            let cells = rows.map { row in columns.map { cell($0.value(in: row), style: $0.style, truncate: true) } }
            var widths = columns.map(\.header.count)
            for row in cells {
                for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) }
            }
            func line(_ texts: [String]) -> String {
                var out = ""
                for (index, text) in texts.enumerated() {
                    let last = index == texts.count - 1
                    out += last ? text : text.padding(toLength: widths[index], withPad: " ", startingAt: 0) + "  "
                }
                return out + "\n"
            }
            return line(columns.map(\.header)) + cells.map(line).joined()
        case .sections(let parts):
            return parts.map(text).joined(separator: "\n")
        }
    }

    /// `--csv`: a table's rows, a record as `key,value` rows, a message or value as one cell.
    package static func csv(_ presentation: IMCtlPresentation) -> String {
        switch presentation {
        case .message(let text), .value(let text), .text(let text):
            return csvLine(["value"]) + csvLine([text])
        case .record(let json):
            return csvLine(["key", "value"]) + flatten(json).map { csvLine([$0.key, $0.value]) }.joined()
        case .table(let columns, let rows):
            return csvLine(columns.map(\.header))
                + rows.map { row in csvLine(columns.map { cell($0.value(in: row), style: $0.style, truncate: false) }) }
                .joined()
        case .sections(let parts):
            // The table is what a spreadsheet wants (a group's members); else the first part.
            let table = parts.first { if case .table = $0 { true } else { false } }
            return table.map(csv) ?? parts.first.map(csv) ?? ""
        }
    }

    /// An object's scalar fields as `(dotted.key, text)`, keys sorted; arrays of scalars joined by commas,
    /// other arrays as JSON.
    package static func flatten(_ json: IMJSON, prefix: String = "") -> [(key: String, value: String)] {
        guard case .object(let members) = json else { return [(prefix.isEmpty ? "value" : prefix, scalar(json))] }
        var out: [(key: String, value: String)] = []
        for key in members.keys.sorted() {
            let name = prefix.isEmpty ? key : prefix + "." + key
            let value = members[key]!
            if case .object = value {
                out += flatten(value, prefix: name)
            } else {
                out.append((name, scalar(value)))
            }
        }
        return out
    }

    /// A value as one cell of text.
    package static func scalar(_ json: IMJSON) -> String {
        switch json {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .string(let value): value
        case .array(let elements):
            elements.allSatisfy { if case .object = $0 { false } else if case .array = $0 { false } else { true } }
                ? elements.map(scalar).joined(separator: ",") : json.encoded()
        case .object: json.encoded()
        }
    }

    /// `2026-01-02 03:04:05Z` for Unix seconds.
    package static func time(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }

    /// `1.5 KiB`, `12.0 MiB`, `512 B`.
    package static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `3d 4h`, `2h 5m`, `4m 10s`, `12s`.
    package static func uptime(_ seconds: Int64) -> String {
        let days = seconds / 86400
        let hours = seconds % 86400 / 3600
        let minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(seconds % 60)s" }
        return "\(seconds)s"
    }

    private static func cell(_ value: IMJSON?, style: IMCtlColumn.Style, truncate: Bool) -> String {
        guard let value, value != .null else { return truncate ? "-" : "" }
        switch style {
        case .plain:
            return scalar(value)
        case .time:
            return value.intValue.map(time) ?? scalar(value)
        case .yesNo:
            return value.boolValue.map { $0 ? "yes" : "no" } ?? scalar(value)
        case .truncated(let limit):
            let text = scalar(value).replacingOccurrences(of: "\n", with: "⏎")
            guard truncate, text.count > limit else { return text }
            return String(text.prefix(limit - 1)) + "…"
        }
    }

    private static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\r\n"
    }
}
