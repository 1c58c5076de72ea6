import Foundation
import NIOSSL

extension IMAdminClient {
    /// The TLS settings for `tls`, its files read now.
    static func tlsConfiguration(
        _ tls: IMAdminClientConfiguration.TLS
    ) throws(IMAdminError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if tls.insecure { configuration.certificateVerification = .none }
        if let caFile = tls.caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
                configuration.trustRoots = .certificates(certificates)
            } catch {
                throw IMAdminError(.invalidConfiguration, "CA file \(caFile): \(fileProblem(caFile, error))")
            }
        }
        switch (tls.certificateFile, tls.keyFile) {
        case (nil, nil):
            break
        case (let certificateFile?, let keyFile?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map {
                    .certificate($0)
                }
            } catch {
                throw IMAdminError(
                    .invalidConfiguration,
                    "client certificate \(certificateFile): \(fileProblem(certificateFile, error))"
                )
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw IMAdminError(.invalidConfiguration, "client key \(keyFile): \(fileProblem(keyFile, error))")
            }
        default:
            throw IMAdminError(
                .invalidConfiguration,
                "a client certificate needs both the certificate and its key file"
            )
        }
        return configuration
    }

    private static func fileProblem(_ path: String, _ error: any Error) -> String {
        FileManager.default.isReadableFile(atPath: path)
            ? "not a PEM file this client can use (\(error))" : IMAdminCredentials.unreadableReason(path)
    }
}
