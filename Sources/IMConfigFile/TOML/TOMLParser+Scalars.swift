extension TOMLParser {
    /// A boolean, number, date or time: read as one word (a date and time may have a space between), then
    /// told apart by its form.
    mutating func scalarValue() throws(TOMLSyntaxError) -> ConfigValue {
        let position = self.position
        var word = String.UnicodeScalarView()
        while true {
            while let scalar = peek, scalar.isBareKey || scalar == "+" || scalar == "." || scalar == ":" {
                word.append(scalar)
                advance()
            }
            // `1979-05-27 07:32:00`: the space is part of the value when a time follows a date.
            guard peek == " ", TOMLWord(word).isLocalDate, peek(1)?.isDigit == true, peek(2)?.isDigit == true,
                peek(3) == ":"
            else { break }
            word.append(" ")
            advance()
        }
        do {
            return try TOMLWord(word).value()
        } catch .beyond64Bits {
            throw TOMLSyntaxError("'\(String(word))' is beyond a 64-bit integer", at: position)
        } catch {
            throw TOMLSyntaxError("'\(String(word))' is not a value (a string needs quotes)", at: position)
        }
    }
}

/// One unquoted value as written (`true`, `-1_000`, `0x1F`, `6.02e23`, `inf`, `1979-05-27T07:32:00Z`).
private struct TOMLWord {
    enum Problem: Error {
        case notAValue, beyond64Bits
    }

    let scalars: [Unicode.Scalar]

    init(_ view: String.UnicodeScalarView) {
        scalars = Array(view)
    }

    func value() throws(Problem) -> ConfigValue {
        switch String(String.UnicodeScalarView(scalars)) {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if let kind = dateOrTime { return .unsupported(kind) }
        if let integer = try integer() { return .integer(integer) }
        if let float { return .float(float) }
        throw .notAValue
    }

    // MARK: Numbers

    /// Decimal (`-17`, `1_000`), or `0x`, `0o`, `0b` without a sign; nil if it is not written as an integer.
    private func integer() throws(Problem) -> Int? {
        let radixes: [(prefix: String, radix: Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
        let text = String(String.UnicodeScalarView(scalars))
        let number: (sign: String, digits: String, radix: Int)
        if let (prefix, radix) = radixes.first(where: { text.hasPrefix($0.prefix) }) {
            guard let digits = Self.digits(scalars.dropFirst(prefix.count), radix: radix) else { return nil }
            number = ("", digits, radix)
        } else {
            let (sign, rest) = Self.sign(scalars[...])
            guard let digits = Self.digits(rest, radix: 10), !(digits.count > 1 && digits.hasPrefix("0")) else {
                return nil
            }
            number = (sign, digits, 10)
        }
        guard let value = Int(number.sign + number.digits, radix: number.radix) else {
            throw .beyond64Bits
        }
        return value
    }

    /// `[+-]int(.frac)?([eE][+-]?exp)?` with a fraction, an exponent or both.
    private var float: Double? {
        let (sign, rest) = Self.sign(scalars[...])
        let exponentAt = rest.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = rest[..<(exponentAt ?? rest.endIndex)]
        let pointAt = mantissa.firstIndex(of: ".")
        guard let whole = Self.digits(mantissa[..<(pointAt ?? mantissa.endIndex)], radix: 10),
            !(whole.count > 1 && whole.hasPrefix("0"))
        else { return nil }
        var text = sign + whole
        if let pointAt {
            guard let fraction = Self.digits(mantissa[(pointAt + 1)...], radix: 10) else { return nil }
            text += "." + fraction
        }
        if let exponentAt {
            let (exponentSign, exponent) = Self.sign(rest[(exponentAt + 1)...])
            guard let digits = Self.digits(exponent, radix: 10) else { return nil }
            text += "e" + exponentSign + digits
        }
        guard pointAt != nil || exponentAt != nil else { return nil }
        return Double(text)
    }

    private static func sign(_ scalars: ArraySlice<Unicode.Scalar>) -> (String, ArraySlice<Unicode.Scalar>) {
        guard let first = scalars.first, first == "+" || first == "-" else { return ("", scalars) }
        return (String(first), scalars.dropFirst())
    }

    /// The digits without their underscores, each underscore between two digits; nil if none or misplaced.
    private static func digits(_ scalars: ArraySlice<Unicode.Scalar>, radix: Int) -> String? {
        var digits = String.UnicodeScalarView()
        var afterDigit = false
        for scalar in scalars {
            if scalar == "_" {
                guard afterDigit else { return nil }
                afterDigit = false
            } else {
                guard let value = scalar.properties.isASCIIHexDigit ? Int(String(scalar), radix: 16) : nil,
                    value < radix
                else { return nil }
                digits.append(scalar)
                afterDigit = true
            }
        }
        return afterDigit ? String(digits) : nil
    }

    // MARK: Dates and times

    /// "date", "time" or "date-time" for a local date, local time, or a date and time (with an offset or not).
    private var dateOrTime: String? {
        if isLocalDate { return "date" }
        if Self.isTime(scalars[...]) { return "time" }
        guard scalars.count > 11, Self.isDate(scalars[..<10]), ["T", "t", " "].contains(scalars[10]) else { return nil }
        var time = scalars[11...]
        if let last = time.last, last == "Z" || last == "z" {
            time = time.dropLast()
        } else if time.count >= 14, ["+", "-"].contains(time[time.endIndex - 6]) {
            let offset = time.suffix(5)
            guard Self.number(offset.prefix(2), below: 24) != nil, offset[offset.startIndex + 2] == ":",
                Self.number(offset.suffix(2), below: 60) != nil
            else { return nil }
            time = time.dropLast(6)
        }
        return Self.isTime(time) ? "date-time" : nil
    }

    var isLocalDate: Bool { scalars.count == 10 && Self.isDate(scalars[...]) }

    /// `YYYY-MM-DD`.
    private static func isDate(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        s.count == 10 && number(s.prefix(4), below: 10_000) != nil && s[s.startIndex + 4] == "-"
            && (number(s.dropFirst(5).prefix(2), below: 13) ?? 0) >= 1 && s[s.startIndex + 7] == "-"
            && (number(s.suffix(2), below: 32) ?? 0) >= 1
    }

    /// `HH:MM:SS` with an optional fraction of a second.
    private static func isTime(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        guard s.count >= 8, number(s.prefix(2), below: 24) != nil, s[s.startIndex + 2] == ":",
            number(s.dropFirst(3).prefix(2), below: 60) != nil, s[s.startIndex + 5] == ":",
            number(s.dropFirst(6).prefix(2), below: 61) != nil
        else { return false }
        let fraction = s.dropFirst(8)
        return fraction.isEmpty || (fraction.first == "." && number(fraction.dropFirst(), below: nil) != nil)
    }

    /// All decimal digits (at least one), as a number below `limit`.
    private static func number(_ s: ArraySlice<Unicode.Scalar>, below limit: Int?) -> Int? {
        guard !s.isEmpty, s.allSatisfy(\.isDigit) else { return nil }
        guard let limit else { return 0 }
        guard s.count <= 5, let value = Int(String(String.UnicodeScalarView(s))), value < limit else { return nil }
        return value
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { ("0"..."9").contains(self) }
}
