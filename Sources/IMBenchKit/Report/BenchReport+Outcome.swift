import Foundation

/// Exit codes, as `imbench --help` documents them.
package enum BenchExitCode {
    package static let passed: Int32 = 0
    package static let thresholdFailed: Int32 = 1
    package static let usage: Int32 = 2
    package static let connectOrProvision: Int32 = 3
    package static let correctness: Int32 = 4
}

extension BenchReport {
    /// The operation `--max-p99` applies to: delivery when pushes were timed, else ACK; connect + auth
    /// (auth) for `connections`; sync for `offline`; the last recipient's delivery for `group` and `room`.
    package var mainOperation: BenchOperation {
        switch scenario {
        case .connections: return .auth
        case .offline: return .sync
        case .group, .room:
            return (operations[BenchOperation.lastDelivery.rawValue]?.count ?? 0) > 0 ? .lastDelivery : .ack
        case .peer, .multidevice:
            return (operations[BenchOperation.delivery.rawValue]?.count ?? 0) > 0 ? .delivery : .ack
        }
    }

    /// The rate `--min-rate` applies to.
    package var mainRate: Double {
        switch scenario {
        case .connections: return throughput.connectionsPerSecond
        default: return throughput.deliveredPerSecond > 0 ? throughput.deliveredPerSecond : throughput.ackedPerSecond
        }
    }

    /// Sets `outcome` from the totals and `thresholds`: correctness failures (exit 4) before threshold
    /// failures (exit 1); a run where connections failed or nothing was ACKed also fails.
    package mutating func evaluate(_ thresholds: BenchThresholds) {
        self.thresholds = thresholds
        var correctness: [String] = []
        var limits: [String] = []
        if totals.lost > thresholds.maxLost {
            correctness.append(
                "\(totals.lost) messages lost (ACKed, never pushed nor found by sync; max \(thresholds.maxLost))"
            )
        }
        if totals.duplicated > 0 { correctness.append("\(totals.duplicated) messages pushed more than once") }
        if totals.reordered > 0 { correctness.append("\(totals.reordered) messages pushed out of order") }
        if totals.refused > 0 { correctness.append("\(totals.refused) messages refused (ACK status not 0)") }
        if totals.unacked > 0 { correctness.append("\(totals.unacked) messages never ACKed") }
        if scenario != .connections && totals.sent > 0 && totals.acked == 0 {
            correctness.append("no message was ACKed")
        }
        if totals.connectFailures > 0 { limits.append("\(totals.connectFailures) connections failed") }
        if let maxP99 = thresholds.maxP99Microseconds {
            let p99 = operations[mainOperation.rawValue]?.p99 ?? 0
            if (operations[mainOperation.rawValue]?.count ?? 0) == 0 {
                limits.append("no \(mainOperation.rawValue) latency was measured for --max-p99")
            } else if p99 > maxP99 {
                limits.append(
                    "\(mainOperation.rawValue) p99 \(Format.micros(p99)) > --max-p99 \(Format.micros(maxP99))"
                )
            }
        }
        if let minRate = thresholds.minRate, mainRate < minRate {
            limits.append("rate \(Format.rate(mainRate))/s < --min-rate \(Format.rate(minRate))/s")
        }
        outcome.failures = correctness + limits
        outcome.passed = outcome.failures.isEmpty
        outcome.exitCode =
            !correctness.isEmpty
            ? BenchExitCode.correctness : !limits.isEmpty ? BenchExitCode.thresholdFailed : BenchExitCode.passed
    }
}

/// Number formatting for the human report and progress lines.
enum Format {
    static func micros(_ value: UInt64) -> String {
        if value >= 10_000_000 { return String(format: "%.1fs", Double(value) / 1e6) }
        if value >= 10_000 { return String(format: "%.1fms", Double(value) / 1e3) }
        if value >= 1_000 { return String(format: "%.2fms", Double(value) / 1e3) }
        return "\(value)µs"
    }

    static func rate(_ value: Double) -> String {
        if value >= 1e6 { return String(format: "%.2fM", value / 1e6) }
        if value >= 1e4 { return String(format: "%.1fk", value / 1e3) }
        return String(format: "%.0f", value)
    }

    static func bytes(_ value: Double) -> String {
        if abs(value) >= 1_048_576 { return String(format: "%.1f MiB", value / 1_048_576) }
        if abs(value) >= 1024 { return String(format: "%.2f KiB", value / 1024) }
        return String(format: "%.0f B", value)
    }
}
