/// The store's meta file (`store.meta`): the format version of the data directory and the id ceiling.
///
/// The id ceiling is the highest id the store may hand out before it writes a higher ceiling. It is
/// made durable before any id above the old one is returned, so ids are never reused, even when a power
/// loss under `IMServerConfiguration.FsyncPolicy.interval` loses the tail of the log. A clean close writes the exact last id so
/// that a restart continues without a gap.
struct StoreMeta: Equatable {
    static let fileName = "store.meta"
    static let title = "swift-im log store"

    var formatVersion: UInt32
    var idCeiling: UInt64

    func encoded() -> String {
        "\(StoreMeta.title)\nformat \(formatVersion)\nid-ceiling \(idCeiling)\n"
    }

    static func parse(_ text: String, path: String) throws -> StoreMeta {
        var format: UInt32?
        var ceiling: UInt64?
        let lines = text.split(separator: "\n")
        guard lines.first.map(String.init) == title else {
            throw StoreError(.corrupt, "\(path) is not a swift-im store meta file")
        }
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { throw StoreError(.corrupt, "\(path): cannot read line '\(line)'") }
            switch parts[0] {
            case "format": format = UInt32(parts[1])
            case "id-ceiling": ceiling = UInt64(parts[1])
            default: continue  // keys from a later minor version are ignored
            }
        }
        guard let format else { throw StoreError(.corrupt, "\(path): key 'format' is missing or not a number") }
        guard let ceiling else {
            throw StoreError(.corrupt, "\(path): key 'id-ceiling' is missing or not a number")
        }
        return StoreMeta(formatVersion: format, idCeiling: ceiling)
    }

    static func load(directory: String) throws -> StoreMeta? {
        let path = directory + "/" + fileName
        guard let bytes = try StoreDirectory.read(path) else { return nil }
        return try parse(String(decoding: bytes, as: UTF8.self), path: path)
    }

    func save(directory: String) throws {
        let text = Array(encoded().utf8)
        try StoreDirectory.replaceAtomically(directory + "/" + StoreMeta.fileName) { (writer) in
            try text.withUnsafeBytes { (raw) in try writer.write(raw) }
        }
    }
}
