/// Sizes as imctl takes them: `1048576`, `512KiB`, `64MiB`, `2GiB` (also `KB`, `MB`, `GB` as powers of 1000).
package enum IMCtlSize {
    /// Bytes; nil if `text` is not a non-negative size.
    package static func parse(_ text: String) -> Int64? {
        let digits = text.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits), value >= 0 else { return nil }
        let units: [String: Double] = [
            "": 1, "B": 1, "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776, "KB": 1e3,
            "MB": 1e6,
            "GB": 1e9, "TB": 1e12,
        ]
        guard let unit = units[String(text.dropFirst(digits.count))] else { return nil }
        let bytes = value * unit
        guard bytes < 9e18 else { return nil }
        return Int64(bytes)
    }
}
