import Foundation
import IMCore

/// imbench's entry point: starts (or finds) the server, provisions users, runs the scenario, evaluates
/// thresholds, and returns the report; the caller prints it and exits with `report.outcome.exitCode`.
package enum IMBench {
    /// Runs one benchmark. Never throws: a run that could not be carried out is a report with exit
    /// code 2 (usage) or 3 (connect/provision) and the reason in `outcome.failures`.
    ///
    /// - Parameter log: one-line notices (the raised file limit, the embedded server's address); default
    ///   stderr.
    package static func run(
        _ configuration: BenchConfiguration,
        log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) async -> BenchReport {
        var report = BenchReport(scenario: configuration.scenario, config: configuration.reportConfig)
        do {
            try configuration.validate()
        } catch {
            return report.failed(error)
        }
        let files = ResourceLimits.raiseOpenFiles()
        if files.after > files.before {
            log(
                "imbench: raised the open-file limit (ulimit -n) from \(files.before) to \(files.after), the hard limit"
            )
        }
        report.generator.openFileLimit = files.after
        var configuration = configuration
        let started = Date()

        // The server.
        var embedded: EmbeddedServer?
        var host: String
        var port: Int
        let clientTransport: IMClientTransport
        switch configuration.target {
        case .embedded(let fsync, let threads, let postgres):
            do {
                let server = try await EmbeddedServer.start(
                    fsync: fsync,
                    threads: threads,
                    postgres: postgres,
                    transport: configuration.transport
                )
                embedded = server
                host = "127.0.0.1"
                port = server.addresses[configuration.transport]!.port
                clientTransport = configuration.clientTransport(trusting: server.certificateAuthority)
                configuration.adminURL = server.adminURL
                configuration.adminToken = server.adminToken
                configuration.tokens = .admin(url: server.adminURL, token: server.adminToken)
                report.server.embedded = true
                log(
                    "imbench: embedded server on 127.0.0.1:\(port) (admin \(server.adminURL), data \(server.dataDirectory))"
                )
            } catch {
                return report.failed(error)
            }
        case .remote(let remoteHost, let remotePort):
            host = remoteHost
            port = remotePort
            if host.isEmpty, let url = configuration.lookupURL {
                // Only --lookup: the final sync and the samples go where /lookup sends the first user.
                do {
                    let node = try await BenchAdminClient.with(url: url, token: configuration.adminToken, timeout: .seconds(10)) {
                        try await NodePlacement.lookUp(
                            $0, url: url, appID: configuration.appID, uid: configuration.uidBase, configuration.transport
                        )
                    }
                    (host, port) = (node.host, node.port)
                } catch {
                    return report.failed(error)
                }
            }
            clientTransport = configuration.clientTransport(trusting: nil)
        }
        report.server.address =
            if configuration.lookupURL != nil || configuration.nodes.count > 1 {
                configuration.reportConfig.target
            } else {
                "\(host):\(port)"
            }
        let pipeline: ClientPipeline
        do {
            pipeline = try ClientPipeline(clientTransport)
        } catch {
            await embedded?.stop()
            return report.failed(BenchError(.usage, "cannot set up TLS: \(BenchError.describe(error))"))
        }
        let result = await runScenario(
            configuration,
            host: host,
            port: port,
            pipeline: pipeline,
            report: report,
            log: log
        )
        report = result
        await embedded?.stop()
        report.elapsedSeconds = Date().timeIntervalSince(started)
        if report.outcome.exitCode == BenchExitCode.passed && report.outcome.failures.isEmpty {
            report.evaluate(configuration.thresholds)
        }
        if let path = configuration.jsonPath {
            do {
                try report.json().write(to: URL(fileURLWithPath: path))
            } catch {
                log("imbench: cannot write the JSON report to \(path): \(error)")
            }
        }
        return report
    }

    private static func runScenario(
        _ configuration: BenchConfiguration,
        host: String,
        port: Int,
        pipeline: ClientPipeline,
        report: BenchReport,
        log: @Sendable (String) -> Void
    ) async -> BenchReport {
        var report = report
        let userCount: Int
        switch configuration.scenario {
        case .peer: userCount = PeerScenario.userCount(configuration)
        case .connections: userCount = ConnectionsScenario.userCount(configuration)
        case .offline: userCount = OfflineScenario.userCount(configuration)
        case .multidevice: userCount = MultideviceScenario.userCount(configuration)
        case .group: userCount = GroupScenario.userCount(configuration)
        case .room: userCount = RoomScenario.userCount(configuration)
        }
        let users: [BenchUser]
        do {
            switch configuration.tokens {
            case .admin(let url, let token):
                users = try await TokenProvisioner.issue(
                    count: userCount,
                    uidBase: configuration.uidBase,
                    appID: configuration.appID,
                    url: url,
                    adminToken: token
                )
            case .file(let path):
                users = try TokenProvisioner.read(path: path, count: userCount)
            case nil:
                throw BenchError(.usage, "no way to get tokens: give --admin URL or --tokens FILE")
            }
        } catch {
            return report.failed(error)
        }
        let generator: LoadGenerator
        do {
            generator = try await LoadGenerator(threads: configuration.threads)
        } catch {
            return report.failed(BenchError(.connect, "cannot start the generator's event loops: \(error)"))
        }
        var proxy: StallProxy?
        var clientPort = port
        if configuration.injectedStall != nil {
            do {
                proxy = try await StallProxy.start(to: host, port: port, group: generator.group)
                clientPort = proxy!.port
                report.notes.append("an injected stall was on the path to the server (through a relay)")
            } catch {
                await generator.shutdown()
                return report.failed(BenchError(.connect, "cannot start the stall relay: \(error)"))
            }
        }
        let context = ScenarioContext(
            configuration: configuration,
            users: users,
            host: proxy == nil ? host : "127.0.0.1",
            port: clientPort,
            pipeline: pipeline,
            generator: generator,
            sampler: configuration.adminURL.map { SummarySampler(url: $0) },
            proxy: proxy,
            report: report
        )
        let first = await context.sampleServer()
        do {
            switch configuration.scenario {
            case .peer: try await PeerScenario.run(context)
            case .connections: try await ConnectionsScenario.run(context)
            case .offline: try await OfflineScenario.run(context)
            case .multidevice: try await MultideviceScenario.run(context)
            case .group: try await GroupScenario.run(context)
            case .room: try await RoomScenario.run(context)
            }
        } catch {
            context.report = context.report.failed(error)
        }
        let last = await context.sampleServer()
        report = context.report
        if let first, let last {
            report.server.rssBytesBefore = first.rssBytes
            report.server.rssBytesAfter = last.rssBytes
            report.server.rssBytesMax = context.samples.map(\.rssBytes).max()
            let load = ServerLoad.between(first, last)
            report.server.cpuSeconds = load.cpuSeconds
            report.server.cpuPercent = load.cpuPercent
            report.server.fsyncs = load.fsyncs
            report.server.fsyncMicroseconds = load.fsyncMicroseconds
            report.server.droppedPushes = last.droppedPushes - first.droppedPushes
            report.server.samples = context.samples.map {
                var sample = [
                    "elapsed_s": Double($0.at - first.at) / 1e9,
                    "rss_bytes": Double($0.rssBytes), "cpu_seconds": $0.cpuSeconds,
                    "connections": Double($0.connections), "in_messages": Double($0.inMessages),
                ]
                if report.server.embedded { sample["generator_cpu_seconds"] = $0.generatorCPUSeconds }
                return sample
            }
        }
        await proxy?.close()
        await generator.shutdown()
        return report
    }
}

extension BenchReport {
    /// This report marked as not carried out because of `error` (exit 2 or 3).
    func failed(_ error: any Error) -> BenchReport {
        var report = self
        let benchError = error as? BenchError ?? BenchError(.connect, BenchError.describe(error))
        report.outcome = Outcome(passed: false, exitCode: benchError.exitCode, failures: [benchError.message])
        return report
    }
}

extension BenchConfiguration {
    var reportConfig: BenchReport.Config {
        var target = ""
        var fsync: String?
        switch self.target {
        case .embedded(let policy, let threads, let postgres):
            target = "embedded (\(threads) server threads\(postgres == nil ? "" : ", messages in PostgreSQL"))"
            fsync = postgres == nil ? policy.rawValue : "postgres"
        case .remote(let host, let port):
            target =
                if let lookupURL { "where \(lookupURL)/lookup sends each user" } else if nodes.count > 1 {
                    nodes.map(\.description).joined(separator: ",") + (crossNode ? " (cross-node pairs)" : "")
                } else { "\(host):\(port)" }
        }
        var window: Int?
        var rate: Double?
        switch load {
        case .closed(let size): window = size
        case .open(let value): rate = value
        }
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let fanout = scenario == .group || scenario == .room
        return BenchReport.Config(
            target: target,
            transport: transport.rawValue,
            fsync: fsync,
            clients: clients,
            devices: scenario == .multidevice ? devices : nil,
            load: load.description,
            window: window,
            rate: rate,
            durationSeconds: seconds(duration),
            messages: messages,
            warmupSeconds: seconds(warmup),
            contentSize: contentSize,
            threads: threads,
            connectRate: connectRate,
            sources: sources,
            senders: fanout ? senders : nil,
            groupSize: scenario == .group ? max(clients, groupSize ?? clients) : nil,
            superGroup: scenario == .group ? superGroup : nil,
            groupID: scenario == .group ? groupID : nil,
            roomID: scenario == .room ? roomID : nil
        )
    }
}
