import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads the server's `/summary` (no token needed) for its memory, CPU and counters.
struct SummarySampler: Sendable {
    let url: String

    struct Sample: Sendable, Equatable {
        var rssBytes: Int
        /// The server process's CPU seconds (user + system) so far.
        var cpuSeconds: Double
        var connections: Int
        var droppedPushes: Int
        var inMessages: Int
        /// The store's fsyncs so far, and their mean duration.
        var fsyncs: Int = 0
        var averageFsyncMicroseconds: Double = 0
        /// When the sample was taken (`BenchClock`, ns).
        var at: UInt64 = 0
        /// An embedded server's process includes the generator: its threads' CPU seconds at the same
        /// moment (0 for a separate server).
        var generatorCPUSeconds: Double = 0
    }

    func sample() async -> Sample? {
        var request = HTTPClientRequest(url: url + "/summary")
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
            response.status == .ok,
            let body = try? await response.body.collect(upTo: 4 << 20),
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        else { return nil }
        let process = object["process"] as? [String: Any] ?? [:]
        let store = object["store"] as? [String: Any] ?? [:]
        let at = BenchClock.now()
        return Sample(
            rssBytes: (process["rss_bytes"] as? NSNumber)?.intValue ?? 0,
            cpuSeconds: (process["cpu_seconds"] as? NSNumber)?.doubleValue ?? 0,
            connections: (object["connection_count"] as? NSNumber)?.intValue ?? 0,
            droppedPushes: (object["dropped_push_count"] as? NSNumber)?.intValue ?? 0,
            inMessages: (object["in_message_count"] as? NSNumber)?.intValue ?? 0,
            fsyncs: (store["fsyncs"] as? NSNumber)?.intValue ?? 0,
            averageFsyncMicroseconds: (store["average_fsync_microseconds"] as? NSNumber)?.doubleValue ?? 0,
            at: at
        )
    }
}
