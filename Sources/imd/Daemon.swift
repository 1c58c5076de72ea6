import ArgumentParser
import Foundation
import IMCore
import IMDaemonKit
import Logging
import ServiceLifecycle
import UnixSignals

/// What `imd` does once its configuration is good: logging, the open-file limit, and the server in a
/// `ServiceGroup` until a signal; under systemd (`Type=notify`) it reports READY once listening and STOPPING
/// when a stop begins.
struct Daemon {
    let configuration: DaemonConfiguration
    /// From `NOTIFY_SOCKET`; nil outside systemd.
    let notifier: SystemdNotifier?

    func run() async throws {
        let output = try openLog()
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, output: output, level: level) }
        let logger = Logger(label: "imd")
        logger.info(
            "starting imd \(BuildInfo.versionDescription)",
            metadata: [
                "config": "\(configuration.configFile ?? "none")",
                "data_dir": "\(configuration.server.dataDirectory)",
                "node_id": "\(configuration.server.nodeID)",
            ]
        )
        for warning in configuration.warnings { logger.warning("\(warning)") }
        logFileDescriptorLimit(FileDescriptorLimit.raiseToHardLimit(), logger: logger)
        HeapTrimming.configure()

        var configuration = self.configuration
        do {
            if let created = try configuration.provideGeneratedToken() {
                logger.notice(
                    "generated an admin token in \(created) (mode 0600): imctl and imtop on this machine read it; give it to other admin clients, or set admin_token or admin_token_file"
                )
            } else if let file = configuration.generatedTokenFile {
                logger.info("admin token: \(file)")
            }
        } catch {
            logger.critical("\(error)")
            throw ExitCode(2)
        }
        var serverConfiguration = configuration.server
        serverConfiguration.logger = Logger(label: "im")
        serverConfiguration.version = BuildInfo.versionDescription
        let server: IMServer
        do {
            server = try IMServer(configuration: serverConfiguration)
        } catch {
            // `DaemonConfiguration.load` already validated and read the TLS files; this is reachable only
            // if the rules diverge or a TLS file changed since.
            logger.critical("invalid configuration: \(error)")
            throw ExitCode(2)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await announceAddresses(of: server, logger: logger) }
            tasks.addTask { await handleSignals(output: output, server: server, logger: logger) }
            tasks.addTask { await HeapTrimming.trimPeriodically() }
            defer { tasks.cancelAll() }
            do {
                try await group.run()
            } catch {
                logger.critical("server failed: \(error)")
                throw ExitCode.failure
            }
            logger.info("stopped")
        }
    }

    private func openLog() throws -> LogOutput {
        guard let path = configuration.logFile else { return .standardError }
        do {
            return try LogOutput(appendingTo: path)
        } catch {
            FileHandle.standardError.write(Data("imd: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Tests and scripts wait for this line: keep its `listening client=... admin=...` start; the other
    /// transports follow when enabled (` tls=... ws=... wss=...`), then the replication listener
    /// (` replication=...`).
    private func announceAddresses(of server: IMServer, logger: Logger) async {
        do {
            let addresses = try await server.waitUntilListening()
            var line = "listening client=\(addresses.client) admin=\(addresses.admin?.description ?? "off")"
            for transport in [IMTransport.tls, .ws, .wss] {
                if let address = addresses[transport] { line += " \(transport)=\(address)" }
            }
            if let replication = addresses.replication { line += " replication=\(replication)" }
            logger.info("\(line)")
            notify("READY=1\nSTATUS=\(line)\nMAINPID=\(getpid())", logger: logger)
        } catch {
            // run() failed to start and reports why itself.
            logger.debug("no listening addresses: \(error)")
        }
    }

    /// SIGHUP reopens the log file and re-reads the TLS certificate and key (connections stay up); a second
    /// SIGTERM or SIGINT (the first starts the `ServiceGroup`'s graceful shutdown) exits at once, for a
    /// shutdown that hangs.
    private func handleSignals(output: LogOutput, server: IMServer, logger: Logger) async {
        var shutdownSignals = 0
        for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup) {
            if signal == .sighup {
                do {
                    try output.reopen()
                    logger.info("reopened the log file")
                } catch {
                    logger.error("\(error); still writing to the old file")
                }
                if configuration.server.tls != nil {
                    do {
                        // IMServer logs "reloaded the TLS certificate".
                        try server.reloadTLS()
                    } catch {
                        logger.error("SIGHUP: the TLS certificate was not reloaded, the old one stays in use: \(error)")
                    }
                }
                continue
            }
            shutdownSignals += 1
            if shutdownSignals == 1 {
                logger.notice("\(signal): shutting down gracefully; send it again to exit at once")
                notify("STOPPING=1\nSTATUS=shutting down gracefully (\(signal))", logger: logger)
            } else {
                logger.critical("\(signal) during shutdown: exiting at once")
                Foundation.exit(128 + signal.rawValue)
            }
        }
    }

    /// Tells systemd (when it started imd with `NOTIFY_SOCKET`); a failure is logged and imd runs on.
    private func notify(_ state: String, logger: Logger) {
        guard let notifier else { return }
        do {
            try notifier.notify(state)
            logger.debug("told systemd \(state.split(separator: "\n").first ?? "")")
        } catch {
            logger.warning("cannot notify systemd: \(error)")
        }
    }

    private func logFileDescriptorLimit(_ change: FileDescriptorLimit.Change, logger: Logger) {
        if let failure = change.failure {
            logger.warning("cannot raise the open-file limit (\(change.before)): \(failure)")
        } else if change.after > change.before {
            logger.info("raised the open-file limit from \(change.before) to \(change.after)")
        } else {
            logger.info("open-file limit \(change.after)")
        }
    }
}
