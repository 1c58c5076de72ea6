#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A copy of every queue's index up to a log position, so that a restart replays only the log after it.
///
/// Layout (little-endian): `"IMLOGIDX" | u32 version | u32 0 | u64 covered position | u64 last id |
/// u64 message count | u64 queue count`, then per queue `u8 kind | i64 appid | i64 owner | u64 n |
/// n × u64 id | n × u64 position | (group queues) n × u32 timestamp`, then a CRC-32C of all before it.
struct IndexSnapshot {
    static let fileName = "index.snapshot"
    static let magic: [UInt8] = Array("IMLOGIDX".utf8)
    static let version: UInt32 = 1

    var covered: LogPosition
    var lastID: UInt64
    var messageCount: UInt64
    var queues: [QueueID: QueueIndex]

    /// Writes the entries with id at most `lastID` of `queues`; returns the file size.
    static func write(
        directory: String,
        queues: [QueueID: QueueIndex],
        lastID: UInt64,
        covered: LogPosition,
        messageCount: UInt64
    ) throws -> Int {
        var size = 0
        try StoreDirectory.replaceAtomically(directory + "/" + fileName) { (writer) in
            try magic.withUnsafeBytes { (raw) in try writer.write(raw) }
            try writer.write(version)
            try writer.write(UInt32(0))
            try writer.write(covered.packed)
            try writer.write(lastID)
            try writer.write(messageCount)
            // Queues whose entries are all newer than `lastID` are left out.
            try writer.write(UInt64(queues.values.count { $0.firstIndex(after: lastID) > 0 }))
            for (queue, index) in queues {
                let count = index.firstIndex(after: lastID)
                guard count > 0 else { continue }
                try writer.write(queue.kind.rawValue)
                try writer.write(queue.appID)
                try writer.write(queue.ownerID)
                try writer.write(UInt64(count))
                try index.ids.withUnsafeBytes { (raw) in
                    try writer.write(UnsafeRawBufferPointer(rebasing: raw.prefix(count * 8)))
                }
                try index.positions.withUnsafeBytes { (raw) in
                    try writer.write(UnsafeRawBufferPointer(rebasing: raw.prefix(count * 8)))
                }
                if queue.kind == .group {
                    try index.timestamps.withUnsafeBytes { (raw) in
                        try writer.write(UnsafeRawBufferPointer(rebasing: raw.prefix(count * 4)))
                    }
                }
            }
            try writer.writeUnchecked(writer.crc)
            size = writer.written + 4
        }
        return size
    }

    /// Reads the snapshot; nil if there is none. Throws `.corrupt` if it cannot be trusted.
    static func load(directory: String) throws -> IndexSnapshot? {
        let path = directory + "/" + fileName
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw StoreError.io("open", path: path, errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StoreError.io("stat", path: path, errno: errno) }
        let size = Int(info.st_size)
        guard size >= 48 else { throw StoreError(.corrupt, "\(path) is too short (\(size) bytes)") }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapping != MAP_FAILED else {
            throw StoreError.io("mmap", path: path, errno: errno)
        }
        defer { munmap(mapping, size) }
        let bytes = UnsafeRawBufferPointer(start: mapping, count: size)
        let stored = bytes.loadUnaligned(fromByteOffset: size - 4, as: UInt32.self).littleEndian
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(size - 4)])) == stored else {
            throw StoreError(.corrupt, "\(path): checksum mismatch")
        }
        guard Array(bytes[0..<8]) == magic else { throw StoreError(.corrupt, "\(path): bad magic") }
        var reader = Reader(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<(size - 4)]), offset: 8)
        let fileVersion: UInt32 = try reader.read(path)
        guard fileVersion <= version else {
            throw StoreError(.unsupportedFormat, "\(path) has version \(fileVersion), this build reads \(version)")
        }
        let _: UInt32 = try reader.read(path)
        var snapshot = IndexSnapshot(
            covered: LogPosition(packed: try reader.read(path)),
            lastID: try reader.read(path),
            messageCount: try reader.read(path),
            queues: [:]
        )
        let queueCount: UInt64 = try reader.read(path)
        snapshot.queues.reserveCapacity(Int(min(queueCount, UInt64(size / 25))))
        for _ in 0..<queueCount {
            let kindByte: UInt8 = try reader.read(path)
            guard let kind = QueueID.Kind(rawValue: kindByte) else {
                throw StoreError(.corrupt, "\(path): unknown queue kind \(kindByte)")
            }
            let queue = QueueID(kind: kind, appID: try reader.read(path), ownerID: try reader.read(path))
            let count = Int(try reader.read(path) as UInt64)
            var index = QueueIndex()
            index.ids = try reader.readArray(count: count, path)
            index.positions = try reader.readArray(count: count, path)
            if kind == .group { index.timestamps = try reader.readArray(count: count, path) }
            snapshot.queues[queue] = index
        }
        guard reader.offset == reader.bytes.count else {
            throw StoreError(.corrupt, "\(path): \(reader.bytes.count - reader.offset) unexpected trailing bytes")
        }
        return snapshot
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        mutating func read<T: FixedWidthInteger>(_ path: String) throws -> T {
            guard offset + MemoryLayout<T>.size <= bytes.count else {
                throw StoreError(.corrupt, "\(path): truncated at byte \(offset)")
            }
            defer { offset += MemoryLayout<T>.size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }

        mutating func readArray<T: FixedWidthInteger>(count: Int, _ path: String) throws -> [T] {
            let length = count * MemoryLayout<T>.size
            guard count >= 0, length <= bytes.count - offset else {
                throw StoreError(.corrupt, "\(path): truncated at byte \(offset)")
            }
            let start = offset
            offset += length
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
                )
                initialized = count
            }
        }
    }
}
