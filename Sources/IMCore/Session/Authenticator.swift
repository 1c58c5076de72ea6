import Crypto
import Foundation
import JWTKit

/// Checks login tokens (PROTOCOL §2): tokens issued by the admin API (looked up in the directory's memory)
/// and HS256 JWTs signed with the configured secret, with integer claims `appid` and `uid` and `exp` if
/// present.
///
/// Synchronous, so a login is decided on the connection's event loop: jwt-kit parses the token and its
/// claims, and the HMAC is checked with swift-crypto directly (jwt-kit's own verify is `async`).
package struct Authenticator: Sendable {
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownToken
        case badSignature
        case expired
        case malformedJWT(String)
        case zeroUID

        package var description: String {
            switch self {
            case .unknownToken: "unknown, revoked or expired token"
            case .badSignature: "JWT signature does not verify"
            case .expired: "JWT expired"
            case .malformedJWT(let reason): "malformed JWT: \(reason)"
            case .zeroUID: "uid 0"
            }
        }
    }

    private struct Claims: JWTPayload {
        var appid: Int64
        var uid: Int64
        var exp: ExpirationClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    let directory: any Directory
    let jwtKey: SymmetricKey?

    package init(directory: any Directory, jwtSecret: String?) {
        self.directory = directory
        self.jwtKey = jwtSecret.map { SymmetricKey(data: Array($0.utf8)) }
    }

    /// The `(appid, uid)` the token logs in as.
    package func authenticate(_ token: String, now: Int64) -> Result<UserKey, Failure> {
        let user: UserKey
        if let grant = directory.lookupToken(token, now: now) {
            user = UserKey(appID: grant.appID, uid: grant.uid)
        } else if let jwtKey, token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 {
            switch verifyJWT(token, key: jwtKey, now: now) {
            case .success(let verified): user = verified
            case .failure(let failure): return .failure(failure)
            }
        } else {
            return .failure(.unknownToken)
        }
        return user.uid == 0 ? .failure(.zeroUID) : .success(user)
    }

    private func verifyJWT(_ token: String, key: SymmetricKey, now: Int64) -> Result<UserKey, Failure> {
        let bytes = Array(token.utf8)
        let parser = DefaultJWTParser()
        let parsed: (header: JWTHeader, payload: Claims, signature: Data)
        do {
            parsed = try parser.parse(bytes, as: Claims.self)
        } catch {
            return .failure(.malformedJWT("\(error)"))
        }
        guard parsed.header.alg == "HS256" else {
            return .failure(.malformedJWT("algorithm \(parsed.header.alg ?? "none") is not HS256"))
        }
        let lastDot = bytes.lastIndex(of: UInt8(ascii: "."))!
        guard
            HMAC<SHA256>.isValidAuthenticationCode(parsed.signature, authenticating: bytes[..<lastDot], using: key)
        else { return .failure(.badSignature) }
        if let exp = parsed.payload.exp, exp.value.timeIntervalSince1970 <= Double(now) {
            return .failure(.expired)
        }
        return .success(UserKey(appID: parsed.payload.appid, uid: parsed.payload.uid))
    }
}
