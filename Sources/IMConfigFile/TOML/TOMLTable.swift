/// A TOML table as the document is read: its keys, and how it came to be, which decides what may still
/// add to it (TOML 1.0: a table is defined once; dotted keys extend only the tables they made).
final class TOMLTable {
    /// How the table was made.
    enum Origin {
        /// On the way to a header's table (`a` of `[a.b]`): a header of its own may still define it.
        case implied
        /// By a header (`[a]`) or as an element of an array of tables (`[[a]]`).
        case header
        /// By a dotted key (`a.b = 1` makes `a`), or implied and then reached by one: only dotted keys add to it.
        case dottedKey
        /// An inline table (`{ b = 1 }`): complete as written.
        case inline
    }

    enum Entry {
        case value(ConfigValue)
        case table(TOMLTable)
        /// An array of tables (`[[a]]`): later headers `[a.b]` reach into its last table.
        case tables([TOMLTable])
    }

    var origin: Origin
    private(set) var entries: [String: Entry] = [:]

    init(origin: Origin) {
        self.origin = origin
    }

    /// The keys' values, tables as tables; an array of tables is an array, which no setting takes.
    var values: [String: ConfigValue] {
        entries.mapValues { entry in
            switch entry {
            case .value(let value): value
            case .table(let table): .table(table.values)
            case .tables: .unsupported("array")
            }
        }
    }

    /// Sets `value` at a dotted key (`a.b.c`), making the tables on the way.
    func set(_ value: ConfigValue, at key: [String]) throws(TOMLTableError) {
        var table = self
        for (depth, part) in key.dropLast().enumerated() {
            switch table.entries[part] {
            case nil:
                let made = TOMLTable(origin: .dottedKey)
                table.entries[part] = .table(made)
                table = made
            case .table(let existing) where existing.origin == .dottedKey || existing.origin == .implied:
                // Reached by a dotted key, an implied table is defined by it: no header may define it later.
                existing.origin = .dottedKey
                table = existing
            default:
                throw TOMLTableError("key '\(Self.dotted(key.prefix(depth + 1)))' is already defined")
            }
        }
        let last = key[key.count - 1]
        guard table.entries[last] == nil else { throw TOMLTableError("key '\(Self.dotted(key))' is defined twice") }
        table.entries[last] = .value(value)
    }

    /// The table a header (`[a.b]`) defines, or a new last table of an array of tables (`[[a.b]]`).
    func define(header key: [String], arrayOfTables: Bool) throws(TOMLTableError) -> TOMLTable {
        var table = self
        for (depth, part) in key.dropLast().enumerated() {
            switch table.entries[part] {
            case nil:
                let made = TOMLTable(origin: .implied)
                table.entries[part] = .table(made)
                table = made
            case .table(let existing) where existing.origin != .inline:
                table = existing
            case .tables(let tables):
                table = tables[tables.count - 1]
            default:
                throw TOMLTableError("key '\(Self.dotted(key.prefix(depth + 1)))' is already a value")
            }
        }
        let last = key[key.count - 1]
        let defined = TOMLTable(origin: .header)
        switch (table.entries[last], arrayOfTables) {
        case (nil, false):
            table.entries[last] = .table(defined)
        case (nil, true):
            table.entries[last] = .tables([defined])
        case (.tables(let tables), true):
            table.entries[last] = .tables(tables + [defined])
        case (.table(let existing), false) where existing.origin == .implied:
            existing.origin = .header
            return existing
        case (.table, _), (.tables, false):
            throw TOMLTableError("table '\(Self.dotted(key))' is defined twice")
        case (.value, _):
            throw TOMLTableError("key '\(Self.dotted(key))' is already a value")
        }
        return defined
    }

    private static func dotted(_ key: some Collection<String>) -> String {
        key.joined(separator: ".")
    }
}

/// A key or table defined twice, or a value where a table is needed.
struct TOMLTableError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
