import Foundation

extension BenchReport {
    /// The human report printed at the end of a run.
    package var text: String {
        var lines: [String] = []
        var title = "imbench \(imbenchVersion): \(scenario.rawValue) against \(server.address)"
        title += " over \(config.transport)"
        if server.embedded { title += " (embedded server, fsync \(config.fsync ?? "?"))" }
        lines.append(title)
        var shape = "\(config.clients) clients, \(config.load)"
        if let devices = config.devices { shape += ", \(devices) devices per user" }
        shape += ", \(Int(config.durationSeconds))s (warm-up \(config.warmupSeconds)s)"
        if let messages = config.messages { shape += ", at most \(messages) messages" }
        if let senders = config.senders { shape += ", \(senders) sending" }
        lines.append(shape + ", \(config.contentSize)-byte content, \(config.threads) generator threads")
        lines.append("")
        lines.append("operation          count       p50       p90       p99     p99.9       max")
        for operation in BenchOperation.allCases {
            guard let summary = operations[operation.rawValue], summary.count > 0 else { continue }
            let row = [
                operation.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0),
                String(summary.count).leftPadded(9),
                Format.micros(summary.p50).leftPadded(10),
                Format.micros(summary.p90).leftPadded(10),
                Format.micros(summary.p99).leftPadded(10),
                Format.micros(summary.p999).leftPadded(10),
                Format.micros(summary.max).leftPadded(10),
            ]
            lines.append(row.joined())
        }
        lines.append("")
        if scenario == .connections {
            lines.append(
                "connections    \(totals.connections) logged in, \(totals.connectFailures) failed, "
                    + "\(Format.rate(throughput.connectionsPerSecond))/s"
            )
        } else {
            lines.append(
                "throughput     sent \(Format.rate(throughput.sentPerSecond))/s, ACKed \(Format.rate(throughput.ackedPerSecond))/s, "
                    + "delivered \(Format.rate(throughput.deliveredPerSecond))/s (over \(String(format: "%.1f", measuredSeconds))s)"
            )
            var messages =
                "messages       sent \(totals.sent), ACKed \(totals.acked), refused \(totals.refused), "
                + "unACKed \(totals.unacked)"
            if let bound = totals.lateSendBoundMicroseconds {
                messages +=
                    ", late sends \(totals.lateSends) (> \(Format.micros(UInt64(bound))) after the intended time)"
            }
            lines.append(messages)
            lines.append(
                "deliveries     expected \(totals.expected), pushed \(totals.delivered), "
                    + "recovered by sync \(totals.recoveredBySync), lost \(totals.lost), "
                    + "duplicated \(totals.duplicated), reordered \(totals.reordered)"
            )
        }
        if errors.isEmpty {
            lines.append("errors         none")
        } else {
            lines.append("errors")
            for (cause, count) in errors.sorted(by: { $0.value > $1.value }) {
                lines.append("  \(String(count).leftPadded(9))  \(cause)")
            }
        }
        var generatorLine = String(
            format: "generator      %d threads at %.0f%% CPU; whole process %.0f%% of a core",
            generator.threads,
            generator.cpuPercent,
            generator.processCpuPercent
        )
        if generator.saturated { generatorLine += "  ← SATURATED: these figures may be the generator's limit" }
        lines.append(generatorLine)
        if let before = server.rssBytesBefore, let after = server.rssBytesAfter {
            var serverLine = "server         RSS \(Format.bytes(Double(before))) → \(Format.bytes(Double(after)))"
            if let perConnection = server.bytesPerConnection {
                serverLine += ", \(Format.bytes(perConnection)) per connection"
            }
            if let seconds = server.cpuSeconds, let percent = server.cpuPercent {
                serverLine += String(format: ", CPU %.1f s (%.0f%% of a core)", seconds, percent)
                if server.embedded { serverLine += " without the generator's threads" }
            }
            if let fsyncs = server.fsyncs, fsyncs > 0, let mean = server.fsyncMicroseconds {
                serverLine += ", \(fsyncs) fsyncs of \(Format.micros(UInt64(mean))) on average"
            }
            if let dropped = server.droppedPushes, dropped > 0 { serverLine += ", \(dropped) pushes dropped" }
            lines.append(serverLine)
        }
        for note in notes { lines.append("note           \(note)") }
        lines.append("")
        if outcome.passed {
            lines.append("PASSED")
        } else {
            lines.append("FAILED (exit \(outcome.exitCode))")
            for failure in outcome.failures { lines.append("  - \(failure)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
