import Foundation

/// The once-a-second progress line: human on stderr, or one JSON object per line on stdout.
struct ProgressDisplay: Sendable {
    let mode: ProgressMode

    func show(
        elapsed: Double,
        phase: String,
        rates: (sent: Double, acked: Double, delivered: Double),
        counters: LiveCounters.Snapshot,
        interval: [LatencyHistogram],
        server: ServerLoad?
    ) {
        let ack = interval[BenchOperation.ack.index].summary
        let delivery = interval[BenchOperation.delivery.index].summary
        switch mode {
        case .quiet:
            return
        case .lines:
            var line = String(format: "%5.1fs ", elapsed) + phase.padding(toLength: 9, withPad: " ", startingAt: 0)
            line += " conns \(counters.authenticated - counters.closedConnections)"
            line += "  sent \(Format.rate(rates.sent))/s  ACKed \(Format.rate(rates.acked))/s"
            line += "  delivered \(Format.rate(rates.delivered))/s"
            if ack.count > 0 { line += "  ack p99 \(Format.micros(ack.p99))" }
            if delivery.count > 0 { line += "  delivery p99 \(Format.micros(delivery.p99))" }
            let errors = counters.failedConnections + counters.closedConnections + counters.refused
            if errors > 0 { line += "  errors \(errors)" }
            if counters.lateSends > 0 { line += "  late sends \(counters.lateSends)" }
            if let server {
                line += "  server"
                if let cpu = server.cpuPercent { line += String(format: " CPU %.0f%%", cpu) }
                line += " RSS \(Format.bytes(Double(server.rssBytes)))"
                if let fsync = server.fsyncMicroseconds { line += "  fsync \(Format.micros(UInt64(fsync)))" }
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        case .ndjson:
            var object: [String: Any] = [
                "type": "progress", "elapsed_s": elapsed, "phase": phase,
                "sent_per_s": rates.sent, "acked_per_s": rates.acked, "delivered_per_s": rates.delivered,
                "connections": counters.authenticated - counters.closedConnections,
                "connect_failures": counters.failedConnections, "refused": counters.refused,
                "ack_p99_us": ack.p99, "delivery_p99_us": delivery.p99,
            ]
            if counters.lateSends > 0 { object["late_sends"] = counters.lateSends }
            if let server {
                object["server_rss_bytes"] = server.rssBytes
                if let cpu = server.cpuPercent { object["server_cpu_percent"] = cpu }
                if let fsync = server.fsyncMicroseconds { object["server_fsync_us"] = fsync }
            }
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        }
    }
}
