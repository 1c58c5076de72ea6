extension ScreenLayout {
    /// The `h` page: keys, what the columns mean, the thresholds in effect; wrapped to the terminal's width.
    func help() -> [ScreenFrame.Line] {
        let replay = context.replay != nil
        let keyWidth = 15
        let textWidth = max(20, width - 3 - keyWidth)
        var lines: [ScreenFrame.Line] = []
        func heading(_ text: String) {
            lines.append(ScreenFrame.Line([.init(" \(text)", .bold)]))
        }
        func entry(_ key: String, _ text: String) {
            for (index, part) in Self.wrap(text, width: textWidth).enumerated() {
                var line = ScreenFrame.Line([.init("   ")])
                line.left(index == 0 ? key : "", keyWidth, .label)
                line.add(part)
                lines.append(line)
            }
        }
        heading("Keys (any key closes this page)")
        entry("q, Ctrl-C", "quit")
        entry(
            "p, space",
            replay ? "stop / continue the replay" : "freeze / unfreeze the screen (sampling and --record go on)"
        )
        entry("s, r", "next sort column, reverse the order (HISTORY follows the sort)")
        entry("a", "nodes / per-app view")
        entry("+ -", replay ? "replay faster / slower" : "refresh interval longer / shorter")
        entry(context.unicode ? "↑↓ PgUp PgDn" : "arrows PgUp/Dn", "scroll the table")
        heading("Figures")
        entry("ST", "up; DOWN no answer (retried); ERR not a /summary; rst restarted < 1 min; repl a replica (REPL: cut off from its primary)")
        entry("CONNS CLIENTS", "sockets / logged-in connections; USERS distinct users")
        entry("IN/S OUT/S", "messages in / out per second (counters; one going back is a restart)")
        entry("APND/S FSYNC", "store appends per second / mean fsync latency in the interval")
        entry("CPU% RSS", "CPU in the interval (% of the node's cores) / resident memory")
        entry("REPLAG", "a replication primary's furthest-behind replica: age of the oldest message it lacks")
        entry("averages", "since start = counter / uptime; 1 and 5 min: moving averages")
        entry("HISTORY", "a bar per sample up to the peak on its right; a gap: no answer")
        heading("Thresholds, warning/critical (--warn, --crit, --thresholds FILE)")
        let limits = Figure.allCases.compactMap { figure in
            thresholds.limits[figure].map {
                "\(figure.rawValue) \($0.warning?.description ?? "-")/\($0.critical?.description ?? "-")"
            }
        }
        entry("", limits.isEmpty ? "none" : limits.joined(separator: ", "))
        return lines
    }

    /// `text` in lines of at most `width` characters, broken at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
