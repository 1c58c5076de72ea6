import IMCore
import Logging
import NIOCore
import ServiceLifecycle

extension IMServerConfiguration {
    /// A test server's configuration: client and admin API on 127.0.0.1 port 0, the admin API behind
    /// `adminToken`, fsync `none`, 4 MiB segments, warnings only in the log.
    package static func forTests(dataDirectory: String, adminToken: String) -> IMServerConfiguration {
        var configuration = IMServerConfiguration(dataDirectory: dataDirectory)
        configuration.clientAddress = .init(host: "127.0.0.1", port: 0)
        configuration.admin.address = .init(host: "127.0.0.1", port: 0)
        configuration.admin.token = adminToken
        configuration.storage.fsync = .none
        configuration.storage.segmentSize = 4 << 20
        configuration.logger.logLevel = .warning
        // A loaded machine can hold a test between connecting and logging in for seconds; the login
        // timeout's own tests set theirs.
        configuration.limits.loginTimeout = .seconds(120)
        return configuration
    }
}

/// Runs an `IMServer` with `configuration` in a `ServiceGroup` while `body` runs against it, and always
/// shuts it down gracefully afterwards, whether `body` returned or threw.
package func withRunningServer<T>(
    _ configuration: IMServerConfiguration,
    _ body: (IMServer, IMServerAddresses) async throws -> T
) async throws -> T {
    let server = try IMServer(configuration: configuration)
    let group = ServiceGroup(services: [server], logger: configuration.logger)
    let running = Task { try await group.run() }
    let addresses: IMServerAddresses
    do {
        addresses = try await server.waitUntilListening()
    } catch {
        running.cancel()
        _ = await running.result
        throw error
    }
    let result: Result<T, any Error>
    do {
        result = .success(try await body(server, addresses))
    } catch {
        result = .failure(error)
    }
    await group.triggerGracefulShutdown()
    try await running.value
    return try result.get()
}

/// A peer message from `sender` to `receiver` with text content.
package func peerMessage(_ sender: Int64, _ receiver: Int64, _ text: String, msgID: Int32 = 1) -> IMMessage {
    IMMessage(sender: sender, receiver: receiver, msgID: msgID, content: ByteBuffer(string: text))
}
