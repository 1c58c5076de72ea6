import Foundation
import IMCore
import NIOCore
import Testing

extension TestServer {
    /// Creates a group through `POST /groups`; returns its id.
    func createGroup(
        members: [Int64],
        isSuper: Bool = false,
        id: Int64? = nil,
        appID: Int64 = TestServer.appID,
        extra: [String: Any] = [:]
    ) async throws -> Int64 {
        var body: [String: Any] = ["appid": appID, "members": members, "super": isSuper]
        if let id { body["group_id"] = id }
        body.merge(extra) { $1 }
        let (status, json) = try await admin("POST", "/groups", json: body)
        try #require(status == 200, "POST /groups answered \(status): \(json)")
        return try #require((json["data"] as? [String: Any])?["group_id"] as? Int64)
    }
}

extension IMClient {
    /// Sends `MSG_GROUP_IM` and waits for the ACK.
    func sendGroup(
        _ message: IMMessage,
        flags: IMMessageFlags = [],
        timeout: Duration = .seconds(30)
    ) async throws -> IMAck {
        let version = try await self.version
        return try await send(
            .groupIM,
            body: message.body(version: version),
            flags: flags,
            timeout: timeout
        )
    }
}

/// A group message from `sender` to group `groupID`.
func groupMessage(_ sender: Int64, _ groupID: Int64, _ text: String, msgID: Int32 = 1) -> IMMessage {
    IMMessage(sender: sender, receiver: groupID, msgID: msgID, content: ByteBuffer(string: text))
}

extension IMFrame {
    /// The frame's body as a version-2 IM/GROUP_IM (sync frames are laid out in the connection's version).
    func message(version: UInt8 = 2) -> IMMessage? {
        try? IMMessage(body: body, version: version, command: command)
    }

    /// A pair body (`gid, key`) of the SYNC_GROUP_* frames.
    var pair: (Int64, Int64)? {
        body.getMultipleIntegers(at: body.readerIndex, as: (Int64, Int64).self)
    }

    /// The first Int64 of the body (sync keys).
    var key: Int64? { body.getInteger(at: body.readerIndex, as: Int64.self) }
}
