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

    /// When a token issued at `now` for `ttl` seconds expires (nil: never); a ttl past the end of time
    /// saturates rather than traps. Throws `.invalidArgument` for a ttl that is not positive.
    static func expiry(ttl: Int64?, now: Int64) throws(DirectoryError) -> Int64? {
        guard let ttl else { return nil }
        guard ttl > 0 else { throw DirectoryError(.invalidArgument, "ttl must be a positive number of seconds, got \(ttl)") }
        let (sum, overflow) = now.addingReportingOverflow(ttl)
        return overflow ? Int64.max : sum
    }
}
