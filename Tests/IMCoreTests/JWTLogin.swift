import IMCore
import JWTKit
import Testing

/// A client of `appID` connected to 127.0.0.1:`port` and logged in as `uid` with an HS256 JWT signed with
/// `secret`: what any server with that `jwt_secret` accepts, a replica included (it issues no tokens).
func jwtClient(port: Int, uid: Int64, secret: String, appID: Int64 = TestServer.appID) async throws -> IMClient {
    struct Claims: JWTPayload {
        var appid: Int64
        var uid: Int64
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
    let keys = JWTKeyCollection()
    await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    let token = try await keys.sign(Claims(appid: appID, uid: uid))
    let client = try await IMClient.connect(host: "127.0.0.1", port: port)
    try #require(try await client.authenticate(token: token, deviceID: "device-\(uid)"), "login of \(uid)")
    return client
}
