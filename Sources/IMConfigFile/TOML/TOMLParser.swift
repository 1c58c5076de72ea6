/// Reads a TOML 1.0 document into tables: the parser of `imd`'s config file.
///
/// Written for what a config file needs, and to fail well on anything else: every error names its line and
/// column, nothing in the input can crash it (Fuzz/FuzzConfig), nesting is bounded. Values no setting takes
/// (arrays, dates, times) are read and checked, then kept only as their kind, for the error that names it.
struct TOMLParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// Arrays and inline tables open around the value being read.
    var depth = 0
    static let maximumDepth = 64

    /// Parses `text`; the root table, or the first error.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLParser(scalars: Array(text.unicodeScalars))
        return try parser.document()
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    // MARK: The document

    private mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        let root = TOMLTable(origin: .header)
        var current = root
        if peek == "\u{FEFF}" { advance() }
        while true {
            skipBlanks()
            guard let scalar = peek else { return root }
            switch scalar {
            case "#", "\n", "\r": break
            case "[": current = try header(in: root)
            default:
                try keyValue(into: current)
            }
            try endOfLine()
        }
    }

    /// `[a.b]` or `[[a.b]]`: the table that the following keys go into.
    private mutating func header(in root: TOMLTable) throws(TOMLSyntaxError) -> TOMLTable {
        let position = self.position
        advance()
        let arrayOfTables = peek == "["
        if arrayOfTables { advance() }
        skipBlanks()
        let key = try key()
        try expect("]", arrayOfTables ? "']]' to close the header" : "']' to close the header")
        if arrayOfTables, peek != "]" { throw error("expected ']]' to close the header") }
        if arrayOfTables { advance() }
        do {
            return try root.define(header: key, arrayOfTables: arrayOfTables)
        } catch {
            throw TOMLSyntaxError(error.message, at: position)
        }
    }

    /// `key = value`, set in `table`.
    mutating func keyValue(into table: TOMLTable) throws(TOMLSyntaxError) {
        let position = self.position
        let key = try key()
        try expect("=", "'=' after the key")
        skipBlanks()
        let value = try value()
        do {
            try table.set(value, at: key)
        } catch {
            throw TOMLSyntaxError(error.message, at: position)
        }
    }

    /// A key, dotted or not (`a`, `"a b"`, `a.'b'.c`), and the blanks after it.
    mutating func key() throws(TOMLSyntaxError) -> [String] {
        var parts = [try keyPart()]
        skipBlanks()
        while peek == "." {
            advance()
            skipBlanks()
            parts.append(try keyPart())
            skipBlanks()
        }
        return parts
    }

    private mutating func keyPart() throws(TOMLSyntaxError) -> String {
        switch peek {
        // Quoted keys are single-line strings: `"""` is an empty key and a stray quote.
        case "\"": return try string(delimiter: "\"", multiline: false, escapes: true)
        case "'": return try string(delimiter: "'", multiline: false, escapes: false)
        default:
            var bare = String.UnicodeScalarView()
            while let scalar = peek, scalar.isBareKey {
                bare.append(scalar)
                advance()
            }
            guard !bare.isEmpty else { throw error("expected a key, found \(describe(peek))") }
            return String(bare)
        }
    }

    /// Blanks, then a comment or nothing, then a newline or the end.
    private mutating func endOfLine() throws(TOMLSyntaxError) {
        skipBlanks()
        if peek == "#" { try comment() }
        switch peek {
        case nil: return
        case "\n", "\r": try newline()
        case let scalar: throw error("expected the end of the line, found \(describe(scalar))")
        }
    }

    // MARK: Blanks, comments, newlines

    mutating func skipBlanks() {
        while peek == " " || peek == "\t" { advance() }
    }

    /// Blanks, comments and newlines: what may come between the values of an array.
    mutating func skipBlanksAndNewlines() throws(TOMLSyntaxError) {
        while true {
            skipBlanks()
            switch peek {
            case "#": try comment()
            case "\n", "\r": try newline()
            default: return
            }
        }
    }

    private mutating func comment() throws(TOMLSyntaxError) {
        advance()
        while let scalar = peek, scalar != "\n", scalar != "\r" {
            if scalar.isControl { throw error("a control character (\(describe(scalar))) in a comment") }
            advance()
        }
    }

    /// `\n` or `\r\n`.
    mutating func newline() throws(TOMLSyntaxError) {
        if peek == "\r" {
            advance()
            guard peek == "\n" else { throw error("a carriage return not followed by a line feed") }
        }
        advance()
        line += 1
        lineStart = index
    }

    // MARK: Reading

    var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    mutating func advance() {
        index += 1
    }

    mutating func expect(_ scalar: Unicode.Scalar, _ what: String) throws(TOMLSyntaxError) {
        guard peek == scalar else { throw error("expected \(what), found \(describe(peek))") }
        advance()
    }

    var position: (line: Int, column: Int) { (line, index - lineStart + 1) }

    func error(_ message: String) -> TOMLSyntaxError {
        TOMLSyntaxError(message, at: position)
    }

    func describe(_ scalar: Unicode.Scalar?) -> String {
        guard let scalar else { return "the end of the file" }
        if scalar == "\n" || scalar == "\r" { return "the end of the line" }
        if scalar.isControl || scalar.properties.isWhitespace {
            return "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
                + String(scalar.value, radix: 16, uppercase: true)
        }
        return "'\(scalar)'"
    }
}

/// What is wrong with a TOML document, and where (lines and columns from 1, columns in characters).
struct TOMLSyntaxError: Error {
    let message: String
    let line: Int
    let column: Int

    init(_ message: String, at position: (line: Int, column: Int)) {
        self.message = message
        (line, column) = position
    }
}

extension Unicode.Scalar {
    /// A-Z, a-z, 0-9, `_` and `-`.
    var isBareKey: Bool {
        switch self {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    /// What TOML allows nowhere but as an escape: controls other than tab, and DEL.
    var isControl: Bool {
        (value < 0x20 && self != "\t") || value == 0x7F
    }
}
