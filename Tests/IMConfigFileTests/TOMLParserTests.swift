import Testing

@testable import IMConfigFile

/// The TOML parser against TOML 1.0's examples and rules; Fuzz/FuzzConfig tries everything else.
@Suite("TOML parser")
struct TOMLParserTests {
    /// Documents and what they set.
    static let valid: [(text: String, values: [String: ConfigValue])] = [
        ("a = 1", ["a": ConfigValue.integer(1)]),
        (
            "a = -17\nb = +99\nc = 1_000\nd = 0",
            ["a": .integer(-17), "b": .integer(99), "c": .integer(1000), "d": .integer(0)]
        ),
        (
            "h = 0xDEAD_beef\no = 0o755\nb = 0b1101",
            ["h": .integer(0xDEAD_BEEF), "o": .integer(0o755), "b": .integer(0b1101)]
        ),
        ("i = 9223372036854775807\nj = -9223372036854775808", ["i": .integer(.max), "j": .integer(.min)]),
        (
            "f = 3.1415\ng = -0.01\nh = 5e+22\ni = 6.626e-34\nj = 224_617.445_991",
            [
                "f": .float(3.1415), "g": .float(-0.01), "h": .float(5e22), "i": .float(6.626e-34),
                "j": .float(224_617.445_991),
            ]
        ),
        ("t = true\nf = false", ["t": .boolean(true), "f": .boolean(false)]),
        ("i = inf\nj = -inf", ["i": .float(.infinity), "j": .float(-.infinity)]),
        (#"s = "tab\there \"q\" \\ \u00E9 \U0001F600""#, ["s": .string("tab\there \"q\" \\ é 😀")]),
        ("s = 'C:\\Users\\nodejs'", ["s": .string("C:\\Users\\nodejs")]),
        ("s = \"\"\"\nRoses\r\nViolets\"\"\"", ["s": .string("Roses\nViolets")]),
        ("s = \"\"\"\nThe quick \\\n\n   brown \\\n  fox.\"\"\"", ["s": .string("The quick brown fox.")]),
        ("s = \"\"\"Here are two quotes: \"\".\"\"\"\"\"", ["s": .string("Here are two quotes: \"\".\"\"")]),
        ("s = '''\nfirst\n  second\\n'''", ["s": .string("first\n  second\\n")]),
        ("s = ''''That,' she said'''", ["s": .string("'That,' she said")]),
        (
            "d = 1979-05-27\nt = 07:32:00.999\nx = 1979-05-27T07:32:00-08:00\ny = 1979-05-27 07:32:00Z\nz = 1979-05-27T00:32:00.5",
            [
                "d": .unsupported("date"), "t": .unsupported("time"), "x": .unsupported("date-time"),
                "y": .unsupported("date-time"), "z": .unsupported("date-time"),
            ]
        ),
        (
            "a = [ 1, 'two', [3], { x = 4 }, ] # mixed\nb = [\n  1, # one\n  2\n]",
            ["a": .unsupported("array"), "b": .unsupported("array")]
        ),
        (
            "p = { x = 1, y.z = 'a' }\ne = {}",
            ["p": .table(["x": .integer(1), "y": .table(["z": .string("a")])]), "e": .table([:])]
        ),
        (
            "\u{FEFF}# comment\n\n  a = 1 # trailing\r\n\t\"quoted key\" = 2\n'lit.key' = 3\n\"\" = 4",
            [
                "a": .integer(1), "quoted key": .integer(2), "lit.key": .integer(3), "": .integer(4),
            ]
        ),
        (
            "fruit.apple.color = 'red'\nfruit . apple . taste = \"sweet\"\n3.14 = 'pi'",
            [
                "fruit": .table(["apple": .table(["color": .string("red"), "taste": .string("sweet")])]),
                "3": .table(["14": .string("pi")]),
            ]
        ),
        (
            "[a.b.c]\nx = 1\n[a]\ny = 2\n[ a . 'd' ]\nz = 3",
            [
                "a": .table([
                    "b": .table(["c": .table(["x": .integer(1)])]), "y": .integer(2), "d": .table(["z": .integer(3)]),
                ])
            ]
        ),
        (
            "[[fruits]]\nname = 'apple'\n[fruits.physical]\ncolor = 'red'\n[[fruits]]\nname = 'banana'",
            [
                "fruits": .unsupported("array")
            ]
        ),
        ("[x.y.z]\n[x]\ny.w = 1", ["x": .table(["y": .table(["z": .table([:]), "w": .integer(1)])])]),
        (
            "[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true",
            [
                "fruit": .table([
                    "apple": .table(["color": .string("red"), "texture": .table(["smooth": .boolean(true)])])
                ])
            ]
        ),
    ]

    @Test(arguments: valid)
    func readsValidDocuments(text: String, values: [String: ConfigValue]) throws {
        #expect(try TOMLParser.parse(text).values == values)
    }

    @Test func nanIsAFloat() throws {
        let values = try TOMLParser.parse("a = nan\nb = -nan").values
        for key in ["a", "b"] {
            guard case .float(let value) = values[key] else {
                Issue.record("\(key): \(String(describing: values[key]))")
                continue
            }
            #expect(value.isNaN)
        }
    }

    /// Documents and the first error in each: line, column, message.
    static let invalid: [(text: String, line: Int, column: Int, message: String)] = [
        ("a = ", 1, 5, "expected a value, found the end of the file"),
        ("a = 1\nb", 2, 2, "expected '=' after the key, found the end of the file"),
        ("a = 1 2", 1, 7, "expected the end of the line, found '2'"),
        ("a = 1\na = 2", 2, 1, "key 'a' is defined twice"),
        ("[a]\n[a]", 2, 1, "table 'a' is defined twice"),
        ("a.b = 1\n[a]", 2, 1, "table 'a' is defined twice"),
        ("a = 1\n[a.b]", 2, 1, "key 'a' is already a value"),
        ("[a.b]\n[a]\nb.c = 1", 3, 1, "key 'b' is already defined"),
        ("[x.y.z]\n[x]\ny.w = 1\n[x.y]", 4, 1, "table 'x.y' is defined twice"),
        ("p = { x = 1 }\np.y = 2", 2, 1, "key 'p' is already defined"),
        ("[#storage]", 1, 2, "expected a key, found '#'"),
        ("[]", 1, 2, "expected a key, found ']'"),
        ("[a", 1, 3, "expected ']' to close the header, found the end of the file"),
        ("[[a]", 1, 5, "expected ']]' to close the header"),
        ("x = [1 2]", 1, 8, "expected ',' or ']' in an array, found '2'"),
        ("x = [,]", 1, 6, "expected a value, found ','"),
        ("x = { a = 1, }", 1, 14, "expected a key, found '}'"),
        ("x = { a = 1\n}", 1, 12, "expected ',' or '}' in an inline table, found the end of the line"),
        ("s = \"abc", 1, 9, "a string not closed before the end of the file"),
        ("s = \"a\nb\"", 1, 7, "a newline in a single-line string"),
        ("s = \"a\u{01}\"", 1, 7, "a control character (U+0001) in a string"),
        ("s = \"a\0\"", 1, 7, "a control character (U+0000) in a string"),
        ("# a\u{7F}", 1, 4, "a control character (U+007F) in a comment"),
        ("s = \"\\q\"", 1, 6, "an unknown escape \\q"),
        ("s = \"\\u12\"", 1, 6, "\\u needs 4 hexadecimal digits"),
        ("s = \"\\uD800\"", 1, 6, "\\u names no Unicode character"),
        ("s = '''a''''''", 1, 14, "expected the end of the line, found '''"),
        ("a = 1\rb = 2", 1, 7, "a carriage return not followed by a line feed"),
        ("a = 01", 1, 5, "'01' is not a value (a string needs quotes)"),
        ("a = 1__0", 1, 5, "'1__0' is not a value (a string needs quotes)"),
        ("a = _1", 1, 5, "'_1' is not a value (a string needs quotes)"),
        ("a = 0x", 1, 5, "'0x' is not a value (a string needs quotes)"),
        ("a = +0x1", 1, 5, "'+0x1' is not a value (a string needs quotes)"),
        ("a = 1.", 1, 5, "'1.' is not a value (a string needs quotes)"),
        ("a = .5", 1, 5, "expected a value, found '.'"),
        ("a = 9223372036854775808", 1, 5, "'9223372036854775808' is beyond a 64-bit integer"),
        ("a = TRUE", 1, 5, "'TRUE' is not a value (a string needs quotes)"),
        ("a = hello", 1, 5, "'hello' is not a value (a string needs quotes)"),
        ("a = 1979-13-27", 1, 5, "'1979-13-27' is not a value (a string needs quotes)"),
        ("a = 07:32", 1, 5, "'07:32' is not a value (a string needs quotes)"),
        ("a\u{3000}= 1", 1, 2, "expected '=' after the key, found U+3000"),
        ("é = 1", 1, 1, "expected a key, found 'é'"),
        (
            String(repeating: "a = [", count: 1) + String(repeating: "[", count: 64), 1, 69,
            "arrays and inline tables nested more than 64 deep"
        ),
    ]

    @Test(arguments: invalid)
    func refusesWithThePlace(text: String, line: Int, column: Int, message: String) {
        do {
            let values = try TOMLParser.parse(text).values
            Issue.record("read \(text.debugDescription) as \(values)")
        } catch {
            #expect((error.line, error.column, error.message) == (line, column, message), "\(text.debugDescription)")
        }
    }
}
