import IMCore
import NIOCore

/// Logs in as a recipient's device on a fresh connection and syncs its queue from the start (key 0
/// with no stored key), or the super group's: the server's sync is the source of truth for what was
/// stored for it.
enum FinalSync {
    static func run(
        host: String,
        port: Int,
        user: BenchUser,
        deviceID: String,
        superGroup: Int64? = nil,
        into receipts: inout [Int64: StreamReceipts]
    ) async throws {
        let client = try await IMClient.connect(host: host, port: port)
        do {
            guard try await client.authenticate(token: user.token, deviceID: deviceID) else {
                throw BenchError(.provision, "uid \(user.uid): login refused for the final sync")
            }
            let (messages, _) =
                if let superGroup {
                    try await client.syncGroupAll(superGroup, from: 0)
                } else {
                    try await client.syncAll(from: 0)
                }
            for frame in messages where frame.command == .im || frame.command == .groupIM {
                guard let message = try? IMMessage(body: frame.body, version: frame.version, command: frame.command),
                    let payload = BenchPayload(content: message.content)
                else { continue }
                receipts[payload.sender, default: StreamReceipts()].recover(payload.number)
            }
            try? await client.close()
        } catch {
            try? await client.close()
            throw error
        }
    }
}
