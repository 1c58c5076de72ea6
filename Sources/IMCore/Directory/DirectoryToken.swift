import Crypto
import Foundation

/// Issued login tokens: how they are made and the only form in which a directory keeps them.
enum DirectoryToken {
    /// Random bytes per token: 256 bits, so guessing one is hopeless even without rate limits.
    static let byteCount = 32

    /// A new random token: `byteCount` bytes from the system CSPRNG, base64url without padding
    /// (43 characters that need no escaping in URLs, JSON or config files).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 of the token's UTF-8 bytes: what is stored and looked up, so that a copy of the
    /// database does not hand out logins. No salt is needed: tokens are random, not chosen by people.
    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
