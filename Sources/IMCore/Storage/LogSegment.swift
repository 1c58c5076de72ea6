#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One segment file of the log, open for writing at its end and mapped read-only for reads.
///
/// The mapping spans the segment's whole capacity from the start, so the file can grow under it without
/// remapping; only bytes already written (below the durable position) are ever read. The mapping and the
/// descriptor are released when the last reference goes, so a reader still holding the segment after
/// the store closed never touches unmapped memory.
final class LogSegment: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init; the mapped bytes below the durable
    // position are never written again.
    static let headerSize = 16
    static let magic: [UInt8] = Array("IMLOGSEG".utf8)

    let number: UInt32
    let path: String
    let fd: Int32
    private let base: UnsafeRawPointer
    let capacity: Int

    static func fileName(_ number: UInt32) -> String {
        let digits = String(number)
        return "segment-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".log"
    }

    static func number(fromFileName name: String) -> UInt32? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".log") else { return nil }
        return UInt32(name.dropFirst("segment-".count).dropLast(".log".count))
    }

    /// Opens (creating when `create`, truncating when `truncate`) and maps a segment file.
    init(directory: String, number: UInt32, capacity: Int, create: Bool, truncate: Bool = false) throws {
        self.number = number
        self.path = directory + "/" + LogSegment.fileName(number)
        var flags = O_RDWR | O_CLOEXEC
        if create { flags |= O_CREAT }
        if truncate { flags |= O_TRUNC }
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw StoreError.io("open", path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = errno
            close(fd)
            throw StoreError.io("stat", path: path, errno: error)
        }
        let length = max(capacity, Int(info.st_size))
        guard let mapping = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
            let error = errno
            close(fd)
            throw StoreError.io("mmap", path: path, errno: error)
        }
        self.fd = fd
        self.base = UnsafeRawPointer(mapping)
        self.capacity = length
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), capacity)
        close(fd)
    }

    /// The current file size.
    func fileSize() throws -> Int {
        Int(try fileStatus().st_size)
    }

    /// The file's `stat` (size, last write).
    func fileStatus() throws -> stat {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StoreError.io("stat", path: path, errno: errno) }
        return info
    }

    /// Deletes the file (retention, or a segment a full disk rolled back); the mapping stays valid for
    /// readers still holding the segment. Sync the directory afterwards.
    func deleteFile() throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw StoreError.io("unlink", path: path, errno: errno) }
    }

    /// The first `count` bytes of the file, read through the mapping. `count` must not pass the file's end.
    func bytes(count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: min(count, capacity))
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io("write", path: path, errno: errno)
            }
            done += n
        }
    }

    func sync() throws {
        #if canImport(Darwin)
        let result = fsync(fd)
        #else
        let result = fdatasync(fd)
        #endif
        guard result == 0 else { throw StoreError.io("fsync", path: path, errno: errno) }
    }

    func truncate(to size: Int) throws {
        guard ftruncate(fd, off_t(size)) == 0 else { throw StoreError.io("truncate", path: path, errno: errno) }
    }

    /// The 16-byte header every segment starts with: magic, format version, segment number.
    static func header(number: UInt32) -> [UInt8] {
        var bytes = magic
        withUnsafeBytes(of: LogStore.formatVersion.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: number.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }
}
