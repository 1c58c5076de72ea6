import Foundation

// What replication records in the store's directory about a change of role, read at every start:
// `promoted` (this replica became a primary) and `deposed` (this primary's replica did).

/// `promoted` in the store's directory: this store was a replica of `from` and was promoted; it has taken
/// appends of its own since, so it must never follow that primary again. `fenced` once `from` heard of it.
struct PromotionRecord: Equatable, CustomStringConvertible {
    static let fileName = "promoted"
    var from: String
    /// The primary's node id (its welcome's name), when it was known.
    var fromName: String?
    var firstID: UInt64
    var at = Date()
    var fenced = false

    var description: String { "at \(ISO8601DateFormatter().string(from: at)) (it was a replica of \(from); its own ids start at \(firstID))" }

    func save(directory: String) throws {
        var fields = [("promoted-from", from), ("first-id", "\(firstID)"), ("at", "\(Int64(at.timeIntervalSince1970))")]
        if let fromName { fields.append(("promoted-from-name", fromName)) }
        if fenced { fields.append(("fenced", "1")) }
        try RecordFile.save(fields, to: directory + "/" + Self.fileName)
    }

    static func load(directory: String) throws -> PromotionRecord? {
        guard let fields = try RecordFile.load(directory + "/" + fileName) else { return nil }
        return PromotionRecord(
            from: fields["promoted-from"] ?? "?",
            fromName: fields["promoted-from-name"],
            firstID: fields["first-id"].flatMap { UInt64($0) } ?? 0,
            at: Date(timeIntervalSince1970: fields["at"].flatMap { Double($0) } ?? 0),
            fenced: fields["fenced"] == "1"
        )
    }
}

/// The small files of `key value` lines replication keeps in the store's directory (`promoted`, `deposed`),
/// replaced atomically.
enum RecordFile {
    static func save(_ fields: [(String, String)], to path: String) throws {
        let text = Array(fields.map { "\($0.0) \($0.1)\n" }.joined().utf8)
        try StoreDirectory.replaceAtomically(path) { writer in
            try text.withUnsafeBytes { raw in try writer.write(raw) }
        }
    }

    static func load(_ path: String) throws -> [String: String]? {
        guard let bytes = try StoreDirectory.read(path) else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}

/// `deposed` in the store's directory: this store was the primary until its replica `by` was promoted
/// (its ids from `firstID`). A start without `replica_of` refuses while it is there.
struct DeposedRecord: Equatable, CustomStringConvertible {
    static let fileName = "deposed"
    var by: String
    var firstID: UInt64
    var at = Date()

    var description: String {
        "its replica \(by) was promoted \(ISO8601DateFormatter().string(from: at)) and takes the writes since (its ids from \(firstID))"
    }

    func save(directory: String) throws {
        let fields = [("deposed-by", by), ("first-id", "\(firstID)"), ("at", "\(Int64(at.timeIntervalSince1970))")]
        try RecordFile.save(fields, to: directory + "/" + Self.fileName)
    }

    static func load(directory: String) throws -> DeposedRecord? {
        guard let fields = try RecordFile.load(directory + "/" + fileName) else { return nil }
        return DeposedRecord(
            by: fields["deposed-by"] ?? "?",
            firstID: fields["first-id"].flatMap { UInt64($0) } ?? 0,
            at: Date(timeIntervalSince1970: fields["at"].flatMap { Double($0) } ?? 0)
        )
    }
}

/// `replicas` in a primary's store directory: the replication address of each replica that followed it
/// (by node id), where a start of this primary asks whether one was promoted meanwhile.
enum ReplicaAddresses {
    static let fileName = "replicas"

    static func load(directory: String) -> [String: String] {
        (try? RecordFile.load(directory + "/" + fileName)) ?? [:]
    }

    /// Notes `address` for `name`; writes only a change.
    static func remember(_ name: String, at address: String, directory: String) throws {
        var known = load(directory: directory)
        guard known[name] != address, !name.contains(" ") else { return }
        known[name] = address
        try RecordFile.save(known.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: directory + "/" + fileName)
    }
}
