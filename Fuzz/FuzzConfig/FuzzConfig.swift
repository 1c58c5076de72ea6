import IMConfigFile

/// The test libFuzzer runs on each input: an `imd` config file read as `imd` reads it, and every value in it
/// put through the value grammar that the file, env vars and flags share.
///
/// Any text must either be refused as malformed (an error naming the file, and the line and column) or give
/// keys and values. Each value that a parser takes must render to TOML that reads back through the same
/// parser to the same value: `imd --check-config` prints a file that means what it read. A string's text is
/// also tried as an env var or flag gives it. (Which keys exist and what each one accepts is a table checked
/// by IMDaemonKitTests, the rendering of a whole configuration included.)
func fuzzConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let file: ConfigFile
    do {
        file = try ConfigFile(path: "fuzz.toml", text: text, sections: ["storage", "session", "limits"])
    } catch {
        precondition(error.code == .malformedFile && error.description.hasPrefix("fuzz.toml: "), "\(error)")
        return 0
    }
    for value in file.values.values { check(value) }
    return 0
}

private func check(_ value: ConfigValue) {
    if case .table(let table) = value {
        for member in table.values { check(member) }
        return
    }
    checkParsers(value)
    if let text = value.stringValue { checkParsers(.text(text)) }
}

private func checkParsers(_ value: ConfigValue) {
    readsBack(value, ValueParser<String>.string)
    readsBack(value, ValueParser<String>.nonEmptyString)
    readsBack(value, ValueParser<String>.string.optional())
    readsBack(value, ValueParser<Bool>.boolean)
    readsBack(value, ValueParser<Int>.integer)
    readsBack(value, ValueParser<UInt16>.integer)
    readsBack(value, ValueParser<Duration>.duration)
    readsBack(value, ValueParser<Duration>.durationOrOff)
    readsBack(value, ValueParser<Int>.size)
    readsBack(value, ValueParser<Int>.sizeOrOff)
}

/// A value the parser takes renders to TOML that reads back to it.
private func readsBack<Value: Equatable>(_ value: ConfigValue, _ parser: ValueParser<Value>) {
    guard let parsed = parser.parse(value), let rendered = parser.render(parsed) else { return }
    let again: Value?
    do {
        let file = try ConfigFile(path: "rendered.toml", text: "key = \(rendered)\n", sections: [])
        again = file.values["key"].flatMap(parser.parse)
    } catch {
        preconditionFailure("\(value.summary) parsed as \(parsed), rendered as \(rendered): not TOML: \(error)")
    }
    precondition(
        again == parsed,
        "\(value.summary) parsed as \(parsed), rendered as \(rendered), read back as \(String(describing: again))"
    )
}
