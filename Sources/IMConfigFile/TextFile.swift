import Foundation

/// Reads the small text files `imd` takes: the config file, `admin_token_file`, `/proc` entries.
package enum TextFile {
    /// Why a file could not be read, in the words of `strerror`.
    package struct ReadError: Error {
        package let reason: String
    }

    /// The file's contents as UTF-8 (invalid bytes replaced); at most 16 MiB.
    package static func read(_ path: String) throws(ReadError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += buffer[..<count]
            if bytes.count > 16 << 20 { throw ReadError(reason: "larger than 16 MiB") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
