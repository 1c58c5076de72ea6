import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority that issues server certificates, for TLS and WSS against an
/// embedded server (imbench) and in tests: clients trust `certificatePEM` and nothing else.
///
/// Keys are P-256; certificates are valid from an hour ago for a day.
package struct CertificateAuthority: Sendable {
    /// The CA certificate, PEM: what clients trust.
    package let certificatePEM: String
    private let certificate: Certificate
    private let key: Certificate.PrivateKey

    /// A new CA named `name`.
    package init(name: String = "swift-im test CA") throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName(name) }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600),
            notValidAfter: Date().addingTimeInterval(86_400),
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: key
        )
        self.key = key
        self.certificate = certificate
        self.certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// A server certificate for `hosts` (DNS names and IPv4/IPv6 addresses) signed by this CA, and its key.
    ///
    /// - Parameters:
    ///   - name: the subject's common name (tests tell certificates apart by it). Default the first host.
    package func issue(hosts: [String], name: String? = nil) throws -> (certificatePEM: String, keyPEM: String) {
        let serverKey = P256.Signing.PrivateKey()
        let names = hosts.map { host -> GeneralName in
            if let v4 = IPv4Address(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(v4.bytes))) }
            if let v6 = IPv6Address(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(v6.bytes))) }
            return .dnsName(host)
        }
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PrivateKey(serverKey).publicKey,
            notValidBefore: Date().addingTimeInterval(-3600),
            notValidAfter: Date().addingTimeInterval(86_400),
            issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(name ?? hosts.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: key
        )
        return (try leaf.serializeAsPEM().pemString, serverKey.pemRepresentation)
    }

    /// Writes `issue(hosts:name:)`'s certificate and key to `directory` as `<stem>.pem` and
    /// `<stem>-key.pem`; returns their paths.
    package func writeServerFiles(
        hosts: [String],
        name: String? = nil,
        to directory: String,
        stem: String = "server"
    ) throws -> (certificateFile: String, keyFile: String) {
        let (certificatePEM, keyPEM) = try issue(hosts: hosts, name: name)
        let certificateFile = (directory as NSString).appendingPathComponent("\(stem).pem")
        let keyFile = (directory as NSString).appendingPathComponent("\(stem)-key.pem")
        try certificatePEM.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try keyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)
        return (certificateFile, keyFile)
    }
}

/// Dotted IPv4 text as its 4 bytes.
private struct IPv4Address {
    let bytes: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }
}

/// IPv6 text as its 16 bytes (inet_pton).
private struct IPv6Address {
    let bytes: [UInt8]

    init?(_ text: String) {
        guard text.contains(":") else { return nil }
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        bytes = withUnsafeBytes(of: &address) { Array($0) }
    }
}
