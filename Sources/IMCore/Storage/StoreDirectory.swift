#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system operations on the store's data directory: creation, locking, listing, atomic replacement.
enum StoreDirectory {
    /// Creates `path` and its parents if missing.
    static func create(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw StoreError.io("mkdir", path: prefix, errno: errno)
            }
        }
    }

    /// Takes an exclusive lock on `path/LOCK` so that two processes never open one store. Returns its fd.
    static func lock(_ path: String) throws -> Int32 {
        let lockPath = path + "/LOCK"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("open", path: lockPath, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(.locked, "\(path) is in use by another process (lock on \(lockPath))")
        }
        return fd
    }

    static func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }

    static func fileNames(in path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw StoreError.io("opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads a whole (small) file; nil if it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw StoreError.io("open", path: path, errno: errno)
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io("read", path: path, errno: errno)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Replaces `path` with `write`'s output so that a crash leaves either the old or the new file whole:
    /// write to a temporary file, fsync it, rename it over `path`, fsync the directory.
    static func replaceAtomically(
        _ path: String,
        _ write: (FileWriter) throws -> Void
    ) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("open", path: temporary, errno: errno) }
        let writer = FileWriter(fd: fd, path: temporary)
        do {
            try write(writer)
            try writer.flush()
            guard fsync(fd) == 0 else { throw StoreError.io("fsync", path: temporary, errno: errno) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else { throw StoreError.io("rename", path: temporary, errno: errno) }
        try syncDirectory(containing: path)
    }

    static func syncDirectory(containing path: String) throws {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        try syncDirectory(directory.isEmpty ? "." : directory)
    }

    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io("open", path: directory, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError.io("fsync", path: directory, errno: errno) }
    }
}

/// A buffered writer to a file descriptor that keeps a running CRC-32C of everything written.
final class FileWriter {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private(set) var crc: UInt32 = 0
    private(set) var written = 0
    private static let bufferSize = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(FileWriter.bufferSize)
    }

    func write<T: FixedWidthInteger>(_ value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { (raw) in try write(raw) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        crc = CRC32C.checksum(bytes, seed: crc)
        written += bytes.count
        if buffer.count + bytes.count > FileWriter.bufferSize {
            try flush()
        }
        if bytes.count >= FileWriter.bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Writes bytes that are not covered by the running checksum (the checksum itself).
    func writeUnchecked<T: FixedWidthInteger>(_ value: T) throws {
        try flush()
        try withUnsafeBytes(of: value.littleEndian) { (raw) in try writeAll(raw) }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { (raw) in try writeAll(raw) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io("write", path: path, errno: errno)
            }
            done += n
        }
    }
}
