import Foundation
import NIOSSL
import Synchronization

/// The server's TLS certificate and key, read from PEM files, as the `NIOSSLContext` new connections use.
///
/// `reload()` reads the files again and swaps the context: connections accepted afterwards get the new
/// certificate, established ones keep the session they negotiated. A file that cannot be read or parsed
/// leaves the current context in place and throws an error naming the file and its key.
final class TLSCredentials: Sendable {
    let files: IMServerConfiguration.TLS
    private let current: TracedMutex<NIOSSLContext>

    /// Reads the files; throws `IMConfigurationError` naming `cert_file` or `key_file`.
    init(files: IMServerConfiguration.TLS) throws(IMConfigurationError) {
        self.files = files
        self.current = TracedMutex(try Self.makeContext(files))
    }

    /// The context for a connection accepted now.
    var context: NIOSSLContext { current.withLock { $0 } }

    /// Reads the files again and serves them to new connections from now on.
    func reload() throws(IMConfigurationError) {
        let context = try Self.makeContext(files)
        current.withLock { $0 = context }
    }

    fileprivate static func makeContext(
        _ files: IMServerConfiguration.TLS
    ) throws(IMConfigurationError) -> NIOSSLContext {
        let chainBytes = try read(files.certificateFile, field: "cert_file")
        let keyBytes = try read(files.keyFile, field: "key_file")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(chainBytes)
        } catch {
            throw IMConfigurationError(
                field: "cert_file",
                "'\(files.certificateFile)' is not a PEM certificate chain: \(error)"
            )
        }
        if chain.isEmpty {
            throw IMConfigurationError(field: "cert_file", "'\(files.certificateFile)' holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw IMConfigurationError(
                field: "key_file",
                "'\(files.keyFile)' is not an unencrypted PEM private key: \(error)"
            )
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw IMConfigurationError(
                field: "key_file",
                "'\(files.keyFile)' does not go with the certificate in '\(files.certificateFile)': \(error)"
            )
        }
    }

    /// The file's bytes (at most 1 MiB: certificates and keys are a few KiB); errors in `strerror`'s words.
    private static func read(_ path: String, field: String) throws(IMConfigurationError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IMConfigurationError(field: field, "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw IMConfigurationError(field: field, "cannot read '\(path)': \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
            if bytes.count > 1 << 20 {
                throw IMConfigurationError(field: field, "'\(path)' is larger than 1 MiB: not a certificate or key")
            }
        }
    }
}

extension IMServerConfiguration.TLS {
    /// Reads both files and checks that they hold a certificate chain and the key that goes with it, as
    /// `IMServer.init` will; throws `IMConfigurationError` naming `cert_file` or `key_file`. For a host
    /// that wants to report bad files before it starts anything (`imd`, `imd --check-config`).
    public func check() throws(IMConfigurationError) {
        _ = try TLSCredentials.makeContext(self)
    }
}
