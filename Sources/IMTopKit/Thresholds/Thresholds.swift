import Foundation

/// How bad a figure is: the colour on the screen, the status of `--check` and `--json`.
package enum AlertLevel: String, Sendable, Comparable, CaseIterable {
    case ok, warning, critical

    package static func < (a: AlertLevel, b: AlertLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A node's figure past a threshold.
package struct Alert: Sendable, Equatable {
    package var node: String
    package var figure: Figure
    package var value: Double
    package var level: AlertLevel
    package var range: ThresholdRange
}

/// Warning and critical ranges per figure, applied to each node's figures.
///
/// From lowest precedence: `defaults`, a thresholds file (`--thresholds FILE`), `--warn`/`--crit` flags.
package struct Thresholds: Sendable, Equatable {
    package struct Limits: Sendable, Equatable {
        package var warning: ThresholdRange?
        package var critical: ThresholdRange?

        package init(warning: ThresholdRange? = nil, critical: ThresholdRange? = nil) {
            self.warning = warning
            self.critical = critical
        }
    }

    package var limits: [Figure: Limits]

    package init(limits: [Figure: Limits] = [:]) {
        self.limits = limits
    }

    /// What a serious operator wants flagged without configuring anything: slow fsyncs, a saturated CPU,
    /// nearly all file descriptors used, and any message the store failed to keep.
    package static let defaults = Thresholds(limits: [
        .fsync: Limits(warning: ThresholdRange(high: 20), critical: ThresholdRange(high: 100)),
        .cpu: Limits(warning: ThresholdRange(high: 80), critical: ThresholdRange(high: 95)),
        .openFiles: Limits(warning: ThresholdRange(high: 80), critical: ThresholdRange(high: 95)),
        .storeFailureRate: Limits(critical: ThresholdRange(high: 0)),
    ])

    /// The level of `value` for `figure`.
    package func level(_ figure: Figure, _ value: Double?) -> AlertLevel {
        guard let value, let limits = limits[figure] else { return .ok }
        if limits.critical?.isViolated(by: value) == true { return .critical }
        if limits.warning?.isViolated(by: value) == true { return .warning }
        return .ok
    }

    /// Every figure of every node that answered that is past a threshold, worst first.
    package func alerts(_ model: DashboardModel) -> [Alert] {
        let names = model.displayNames
        var alerts: [Alert] = []
        for node in model.nodes where node.isUp {
            for figure in Figure.allCases {
                guard let value = node[figure] else { continue }
                let level = level(figure, value)
                guard level != .ok, let limits = limits[figure] else { continue }
                let range = (level == .critical ? limits.critical : limits.warning)!
                alerts.append(
                    Alert(
                        node: names[node.server] ?? node.name,
                        figure: figure,
                        value: value,
                        level: level,
                        range: range
                    )
                )
            }
        }
        return alerts.sorted { $0.level > $1.level }
    }

    /// Applies `FIGURE=RANGE` from `--warn` or `--crit`.
    package mutating func set(_ assignment: String, level: AlertLevel, option: String) throws(IMTopError) {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw IMTopError.usage("\(option): \"\(assignment)\" should be FIGURE=RANGE, e.g. fsync_ms=20")
        }
        let figure = try Self.figure(String(assignment[..<equals]), context: option)
        let text = String(assignment[assignment.index(after: equals)...])
        do {
            try set(figure, level, ThresholdRange.parse(text, for: figure))
        } catch {
            throw IMTopError.usage("\(option): \(figure.rawValue): \(error.message)")
        }
    }

    /// Applies a thresholds file: lines `FIGURE WARNING CRITICAL` (`-` for none), `#` comments.
    ///
    /// ```
    /// # figure        warning   critical
    /// fsync_ms        10        50
    /// clients         100:      10:       # fewer clients than usual is the problem
    /// ```
    package mutating func load(_ text: String, file: String) throws(IMTopError) {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard !words.isEmpty else { continue }
            let place = "\(file):\(index + 1)"
            guard words.count == 3 else {
                throw IMTopError.usage("\(place): expected \"FIGURE WARNING CRITICAL\", got \(words.count) words")
            }
            let figure = try Self.figure(words[0], context: place)
            do {
                try set(figure, .warning, ThresholdRange.parse(words[1], for: figure))
                try set(figure, .critical, ThresholdRange.parse(words[2], for: figure))
            } catch {
                throw IMTopError.usage("\(place): \(figure.rawValue): \(error.message)")
            }
        }
    }

    /// Reads and applies a thresholds file.
    package mutating func load(file: String) throws(IMTopError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw IMTopError.usage("--thresholds: cannot read \(file)")
        }
        try load(String(decoding: data, as: UTF8.self), file: file)
    }

    private mutating func set(_ figure: Figure, _ level: AlertLevel, _ range: ThresholdRange?) throws(IMTopError) {
        var entry = limits[figure] ?? Limits()
        switch level {
        case .warning: entry.warning = range
        case .critical: entry.critical = range
        case .ok: return
        }
        limits[figure] = entry.warning == nil && entry.critical == nil ? nil : entry
    }

    private static func figure(_ name: String, context: String) throws(IMTopError) -> Figure {
        guard let figure = Figure(rawValue: name) else {
            let names = Figure.allCases.map(\.rawValue).joined(separator: ", ")
            throw IMTopError.usage("\(context): unknown figure \"\(name)\" (figures: \(names))")
        }
        return figure
    }
}
