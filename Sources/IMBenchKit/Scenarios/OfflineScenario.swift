/// `offline`: senders send to receivers that are not connected; then every receiver connects, logs in
/// and syncs from the start. Reports sync time (connect to last page) and completeness.
enum OfflineScenario {
    static func userCount(_ configuration: BenchConfiguration) -> Int {
        configuration.clients / 2 * 2
    }

    static func run(_ context: ScenarioContext) async throws {
        let users = context.users
        let (senders, receivers) = ConnectionSpec.pairs(
            of: users,
            senderIndex: { $0 },
            receiverIndex: { users.count + $0 }
        )
        let ordinals = Dictionary(uniqueKeysWithValues: senders.enumerated().map { ($1.index, $0) })
        let channels = try await context.connect(senders, senderOrdinals: ordinals)
        let run = MessageRun(context: context, fanout: 0)
        let timing = await run.send(senders: senders)
        // Every receiver comes online and syncs; its sync time is the `sync` figure.
        await run.finish(timing: timing, senders: senders, recipients: receivers, syncAll: true)
        context.report.totals.connections = channels.count + receivers.count
        context.report.totals.connectFailures = senders.count - channels.count
        await context.generator.closeAll(channels)
    }
}
