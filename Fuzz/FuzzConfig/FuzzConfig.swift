import IMDaemonKit

/// The test libFuzzer runs on each input: an `imd` config file, from TOML text to a checked configuration.
///
/// Any text must either be refused with a `DaemonConfigurationError` (which names the file and, for a
/// bad value, the key) or give a configuration; a configuration that passes its checks must render
/// (`imd --check-config`) to a file that reads back to the same rendering.
func fuzzConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let configuration = try? checked(text) else { return 0 }
    let rendered = configuration.rendered
    do {
        let again = try checked(rendered)
        precondition(
            settings(again.rendered) == settings(rendered),
            "rendering changed:\n\(rendered)\n---\n\(again.rendered)"
        )
    } catch {
        preconditionFailure("the rendering of\n\(text)\n---\n\(rendered)\ndid not read back: \(error)")
    }
    return 0
}

private func checked(_ text: String) throws(DaemonConfigurationError) -> DaemonConfiguration {
    var configuration = DaemonConfiguration()
    try configuration.apply(file: ConfigFile(path: "fuzz.toml", text: text))
    try configuration.validate()
    return configuration
}

/// A rendering without the comments saying where each value came from (read back, every value comes from
/// the file).
private func settings(_ rendered: String) -> [Substring] {
    rendered.split(separator: "\n").map { line in
        line.firstRange(of: "  # from ").map { line[..<$0.lowerBound] } ?? line
    }
}
