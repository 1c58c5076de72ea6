extension TOMLParser {
    /// A value: a string, number, boolean, date or time, array or inline table.
    mutating func value() throws(TOMLSyntaxError) -> ConfigValue {
        switch peek {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[": return try nested { parser throws(TOMLSyntaxError) in try parser.array() }
        case "{": return try nested { parser throws(TOMLSyntaxError) in try parser.inlineTable() }
        case let scalar?
        where scalar.isBareKey || scalar == "+":
            return try scalarValue()
        case let scalar: throw error("expected a value, found \(describe(scalar))")
        }
    }

    private mutating func nested(
        _ read: (inout TOMLParser) throws(TOMLSyntaxError) -> ConfigValue
    ) throws(TOMLSyntaxError) -> ConfigValue {
        guard depth < Self.maximumDepth else {
            throw error("arrays and inline tables nested more than \(Self.maximumDepth) deep")
        }
        depth += 1
        defer { depth -= 1 }
        return try read(&self)
    }

    /// `[1, 2, 3]`, over lines if need be; read and checked, kept as its kind (no setting takes an array).
    private mutating func array() throws(TOMLSyntaxError) -> ConfigValue {
        advance()
        while true {
            try skipBlanksAndNewlines()
            if peek == "]" { break }
            _ = try value()
            try skipBlanksAndNewlines()
            if peek == "]" { break }
            try expect(",", "',' or ']' in an array")
        }
        advance()
        return .unsupported("array")
    }

    /// `{ a = 1, b.c = 2 }`, on one line.
    private mutating func inlineTable() throws(TOMLSyntaxError) -> ConfigValue {
        advance()
        let table = TOMLTable(origin: .inline)
        skipBlanks()
        if peek != "}" {
            while true {
                skipBlanks()
                try keyValue(into: table)
                skipBlanks()
                if peek == "}" { break }
                try expect(",", "',' or '}' in an inline table")
            }
        }
        advance()
        return .table(table.values)
    }

    // MARK: Strings

    /// `"..."` with escapes, or `"""..."""` over lines.
    mutating func basicString() throws(TOMLSyntaxError) -> String {
        let multiline = peek(1) == "\"" && peek(2) == "\""
        return try string(delimiter: "\"", multiline: multiline, escapes: true)
    }

    /// `'...'` as written, or `'''...'''` over lines.
    mutating func literalString() throws(TOMLSyntaxError) -> String {
        let multiline = peek(1) == "'" && peek(2) == "'"
        return try string(delimiter: "'", multiline: multiline, escapes: false)
    }

    /// A string between `delimiter`s; `escapes` for basic strings, `multiline` after a tripled delimiter.
    mutating func string(
        delimiter: Unicode.Scalar,
        multiline: Bool,
        escapes: Bool
    ) throws(TOMLSyntaxError) -> String {
        advance()
        if multiline {
            advance()
            advance()
            // A newline right after the opening delimiter is not part of the string.
            if peek == "\n" || (peek == "\r" && peek(1) == "\n") { try newline() }
        }
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = peek else { throw error("a string not closed before the end of the file") }
            switch scalar {
            case delimiter where !multiline:
                advance()
                return String(text)
            case delimiter:
                var quotes = 0
                while peek == delimiter, quotes < 5 {
                    advance()
                    quotes += 1
                }
                guard quotes >= 3 else {
                    text.append(contentsOf: repeatElement(delimiter, count: quotes))
                    continue
                }
                // Up to two quotes just before the closing three belong to the string.
                text.append(contentsOf: repeatElement(delimiter, count: quotes - 3))
                return String(text)
            case "\\" where escapes:
                if let escaped = try escape(multiline: multiline) { text.append(escaped) }
            case "\n", "\r":
                guard multiline else { throw error("a newline in a single-line string") }
                try newline()
                text.append("\n")
            default:
                if scalar.isControl { throw error("a control character (\(describe(scalar))) in a string") }
                text.append(scalar)
                advance()
            }
        }
    }

    /// The character an escape stands for; nil for a line-ending backslash, which drops the newline and
    /// the blanks after it.
    private mutating func escape(multiline: Bool) throws(TOMLSyntaxError) -> Unicode.Scalar? {
        let position = self.position
        advance()
        if multiline, try skipLineEndingBackslash() { return nil }
        guard let scalar = peek else { throw error("a string not closed before the end of the file") }
        advance()
        switch scalar {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = scalar == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let digit = peek.flatMap(hexValue) else {
                    throw TOMLSyntaxError("\\\(scalar) needs \(count) hexadecimal digits", at: position)
                }
                value = value << 4 | digit
                advance()
            }
            guard let escaped = Unicode.Scalar(value) else {
                throw TOMLSyntaxError("\\\(scalar) names no Unicode character", at: position)
            }
            return escaped
        default:
            throw TOMLSyntaxError("an unknown escape \\\(describe(scalar).trimmingQuotes)", at: position)
        }
    }

    /// After a backslash in a multi-line basic string: blanks up to a newline, then every blank and newline
    /// after it; false (nothing read) if the backslash does not end its line.
    private mutating func skipLineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var ahead = 0
        while peek(ahead) == " " || peek(ahead) == "\t" { ahead += 1 }
        guard peek(ahead) == "\n" || (peek(ahead) == "\r" && peek(ahead + 1) == "\n") else { return false }
        while true {
            skipBlanks()
            guard peek == "\n" || peek == "\r" else { return true }
            try newline()
        }
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }
}

extension String {
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
