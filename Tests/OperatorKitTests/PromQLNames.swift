/// The metric names a PromQL expression reads, found without a full parser: label matchers, ranges,
/// grouping clauses, strings, numbers and dashboard variables are removed, then every identifier left that
/// is not a function call or a keyword is a metric name.
enum PromQLNames {
    static func metrics(in expression: String) -> Set<String> {
        var text = expression
        let removals: [Regex<Substring>] = [
            /"(?:[^"\\]|\\.)*"/,  // strings
            /\{[^}]*\}/,  // label matchers
            /\[[^\]]*\]/,  // ranges and subqueries
            /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/,
            /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/,  // $job, ${datasource}
        ]
        for pattern in removals { text = text.replacing(pattern, with: " ") }
        var names: Set<String> = []
        for match in text.matches(of: /([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/) {
            let name = String(match.1)
            if match.2 != nil || keywords.contains(name) { continue }
            // Numbers like 1e9 start with a digit and never match; durations (5m) only appear in ranges.
            names.insert(name)
        }
        return names
    }

    private static let keywords: Set<String> = [
        "and", "or", "unless", "offset", "bool", "by", "without", "on", "ignoring", "group_left", "group_right",
        "Inf", "NaN", "inf", "nan",
    ]
}
