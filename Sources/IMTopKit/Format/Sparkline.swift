/// A sparkline: recent values as bar glyphs, newest on the right, scaled from 0 to their peak.
package enum Sparkline {
    static let unicodeLevels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    /// The last `width` of `values` (a missing value is a blank: a node that was down), padded on the left.
    package static func render<C: Collection<Double?>>(_ values: C, width: Int, unicode: Bool) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        let levels = unicode ? unicodeLevels : asciiLevels
        let top = peak(shown) ?? 0
        var text = String(repeating: " ", count: width - shown.count)
        for value in shown {
            guard let value else {
                text.append(" ")
                continue
            }
            let fraction = top > 0 ? max(0, min(1, value / top)) : 0
            text.append(levels[Int((fraction * Double(levels.count - 1)).rounded())])
        }
        return text
    }

    /// The largest value present.
    package static func peak<C: Collection<Double?>>(_ values: C) -> Double? {
        values.compactMap { $0 }.max()
    }
}
