import AsyncHTTPClient
import Foundation
import NIOCore

/// Creates the group scenario's group through the admin API (`POST /groups`).
enum GroupProvisioner {
    /// A new group of `members` (the first owns it); returns its id.
    static func create(
        url: String,
        adminToken: String?,
        appID: Int64,
        members: [Int64],
        isSuper: Bool
    ) async throws -> Int64 {
        var request = HTTPClientRequest(url: url + "/groups")
        request.method = .POST
        if let adminToken { request.headers.add(name: "Authorization", value: "Bearer \(adminToken)") }
        request.headers.add(name: "Content-Type", value: "application/json")
        let body: [String: Any] = ["appid": appID, "members": members, "super": isSuper, "name": "imbench"]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw BenchError(.provision, "cannot reach the admin API at \(url): \(BenchError.describe(error))")
        }
        let reply = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: reply)) as? [String: Any],
            let id = (object["data"] as? [String: Any])?["group_id"] as? Int64
        else {
            throw BenchError(
                .provision,
                "POST \(url)/groups answered \(response.status.code): \(String(buffer: reply).prefix(200))"
            )
        }
        return id
    }
}
