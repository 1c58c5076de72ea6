import Foundation
import IMCore
import NIOCore
import Synchronization

/// What a scenario gets: the configuration, the users, where the server is, the generator, and the
/// report it fills in.
final class ScenarioContext: Sendable {
    let configuration: BenchConfiguration
    let users: [BenchUser]
    let host: String
    let port: Int
    /// How connections reach the server (the transport's handlers, a shared TLS context).
    let pipeline: ClientPipeline
    let generator: LoadGenerator
    let sampler: SummarySampler?
    let proxy: StallProxy?
    let progress: ProgressDisplay
    /// The report and the server samples: filled in step by step by the scenario's task, read by the
    /// runner once it ends.
    private let state: Mutex<State>

    private struct State {
        var report: BenchReport
        var samples: [SummarySampler.Sample] = []
    }

    /// The report the scenario fills in.
    var report: BenchReport {
        get { state.withLock { $0.report } }
        set { state.withLock { $0.report = newValue } }
    }

    /// The `/summary` samples taken so far, in order.
    var samples: [SummarySampler.Sample] {
        state.withLock { $0.samples }
    }

    init(
        configuration: BenchConfiguration,
        users: [BenchUser],
        host: String,
        port: Int,
        pipeline: ClientPipeline,
        generator: LoadGenerator,
        sampler: SummarySampler?,
        proxy: StallProxy?,
        report: BenchReport
    ) {
        self.configuration = configuration
        self.users = users
        self.host = host
        self.port = port
        self.pipeline = pipeline
        self.generator = generator
        self.sampler = sampler
        self.proxy = proxy
        self.progress = ProgressDisplay(mode: configuration.progress)
        self.state = Mutex(State(report: report))
    }

    /// Samples `/summary` (when known) and keeps the sample.
    @discardableResult
    func sampleServer() async -> SummarySampler.Sample? {
        guard var sample = await sampler?.sample() else { return nil }
        if report.server.embedded { sample.generatorCPUSeconds = generator.cpuSeconds }
        state.withLock { $0.samples.append(sample) }
        return sample
    }

    /// Connects `specs`; throws (exit 3) if none could log in.
    func connect(_ specs: [ConnectionSpec], senderOrdinals: [Int: Int] = [:]) async throws -> [any Channel] {
        let specs = try await NodePlacement(configuration: configuration, users: users).place(specs)
        let channels = await generator.connect(
            specs,
            host: host,
            port: port,
            pipeline: pipeline,
            sources: configuration.sources,
            rate: configuration.connectRate,
            senderOrdinals: senderOrdinals
        )
        if channels.isEmpty && !specs.isEmpty {
            let errors = await generator.collect().flatMap { $0.errors }.map { "\($0.key) (\($0.value))" }
            throw BenchError(
                .connect,
                "no connection to \(host):\(port) logged in: \(errors.joined(separator: "; "))"
            )
        }
        return channels
    }
}
