import Crypto
import Foundation
import JWTKit

/// Checks login tokens (PROTOCOL.md §2): tokens issued by the admin API (looked up in the directory's memory)
/// and HS256 JWTs signed with the configured secret, with integer claims `appid` and `uid` and `exp` if
/// present.
///
/// No task per login: an issued token is looked up through the directory's completion (at once for the
/// embedded directory), and a JWT is checked synchronously: jwt-kit parses the token and its claims, and
/// the HMAC is checked with swift-crypto directly (jwt-kit's own verify is `async`).
package struct Authenticator: Sendable {
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownToken
        case badSignature
        case expired
        case malformedJWT(String)
        case zeroUID
        /// The directory could not be read (a database down): the client may retry.
        case unavailable(String)

        package var description: String {
            switch self {
            case .unknownToken: "unknown, revoked or expired token"
            case .badSignature: "JWT signature does not verify"
            case .expired: "JWT expired"
            case .malformedJWT(let reason): "malformed JWT: \(reason)"
            case .zeroUID: "uid 0"
            case .unavailable(let reason): "the directory is unavailable: \(reason)"
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

    /// The `(appid, uid)` the token logs in as; `completion` runs once, on any thread, possibly before
    /// this returns.
    package func authenticate(
        _ token: String,
        now: Int64,
        completion: @escaping @Sendable (Result<UserKey, Failure>) -> Void
    ) {
        directory.lookupToken(token, now: now) { found in
            switch found {
            case .failure(let error):
                completion(.failure(.unavailable("\(error)")))
            case .success(.some(let grant)):
                completion(Self.nonZero(UserKey(appID: grant.appID, uid: grant.uid)))
            case .success(.none):
                guard let jwtKey = self.jwtKey, token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 else {
                    return completion(.failure(.unknownToken))
                }
                completion(self.verifyJWT(token, key: jwtKey, now: now).flatMap(Self.nonZero))
            }
        }
    }

    private static func nonZero(_ user: UserKey) -> Result<UserKey, Failure> {
        user.uid == 0 ? .failure(.zeroUID) : .success(user)
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
