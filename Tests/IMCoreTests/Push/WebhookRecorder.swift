import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// A push webhook for the tests: a Hummingbird server on 127.0.0.1 port 0 that answers `POST /push` with
/// the status it is set to, and keeps the batches it accepted (2xx).
final class WebhookRecorder: Sendable {
    /// One job as received: its queue (`push_queue`, ...) and its JSON fields.
    struct Job: @unchecked Sendable {
        var queue: String
        var fields: [String: Any]

        var id: Int { fields["id"] as? Int ?? -1 }
        var content: String? { fields["content"] as? String }
    }

    private struct State {
        var status = 200
        var accepted: [Data] = []
        var requests = 0
        var authorizations: [String] = []
    }

    private let state = Mutex(State())
    private let port = Atomic<Int>(0)

    var url: String { "http://127.0.0.1:\(port.load(ordering: .relaxed))/push" }

    /// The status later requests get.
    func setStatus(_ status: Int) { state.withLock { $0.status = status } }

    /// Requests received, accepted or not.
    var requests: Int { state.withLock { $0.requests } }
    /// The `Authorization` headers received.
    var authorizations: [String] { state.withLock { $0.authorizations } }
    /// The batches accepted, as their JSON objects.
    var batches: [[String: [[String: Any]]]] {
        state.withLock { $0.accepted }.map { data in
            (try? JSONSerialization.jsonObject(with: data)) as? [String: [[String: Any]]] ?? [:]
        }
    }

    /// Every job accepted, in arrival order (within a batch: by queue, then as sent).
    var jobs: [Job] {
        batches.flatMap { batch in
            batch.keys.sorted().flatMap { queue in batch[queue]!.map { Job(queue: queue, fields: $0) } }
                .sorted { $0.id < $1.id }
        }
    }

    /// Waits until at least `count` jobs were accepted and returns all of them.
    func waitForJobs(_ count: Int) async throws -> [Job] {
        try await eventually("\(count) push jobs to arrive") { jobs.count >= count }
        return jobs
    }

    fileprivate func receive(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 20)
        let status = state.withLock { s in
            s.requests += 1
            if let authorization = request.headers[.authorization] { s.authorizations.append(authorization) }
            if (200..<300).contains(s.status) { s.accepted.append(Data(body.readableBytesView)) }
            return s.status
        }
        return Response(status: .init(code: status))
    }

    fileprivate func bound(to port: Int) { self.port.store(port, ordering: .relaxed) }

    struct TimeoutError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// Runs `body` with a webhook recorder listening, and stops it on every path.
func withWebhook<T>(_ body: (WebhookRecorder) async throws -> T) async throws -> T {
    let recorder = WebhookRecorder()
    let router = Router()
    router.post("/push") { request, _ in try await recorder.receive(request) }
    let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "webhook")
    logger.logLevel = .warning
    let application = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in readyContinuation.yield(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    let group = ServiceGroup(services: [application], logger: logger)
    let running = Task { try await group.run() }
    var portIterator = ready.makeAsyncIterator()
    guard let port = await portIterator.next() else {
        running.cancel()
        throw WebhookRecorder.TimeoutError(message: "the webhook did not start")
    }
    recorder.bound(to: port)
    let result: Result<T, any Error>
    do {
        result = .success(try await body(recorder))
    } catch {
        result = .failure(error)
    }
    await group.triggerGracefulShutdown()
    _ = await running.result
    return try result.get()
}
