/// A coding key of any name, for objects whose keys are data (`app_7`, an app id, a store's own figure).
struct AnyCodingKey: CodingKey, Hashable, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

extension KeyedDecodingContainer where Key == AnyCodingKey {
    /// The value at `key`, or nil when it is absent or of another type: replies are read leniently, so a
    /// figure a server does not send (GoBelieve's, an older version's) or sends differently is just absent.
    func lenient<T: Decodable>(_ key: AnyCodingKey, as type: T.Type = T.self) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }
}
