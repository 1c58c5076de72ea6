/// `offline`: senders send to receivers that are not connected; then every receiver connects, logs in
/// and syncs from the start. Reports sync time (connect to last page) and completeness.
enum OfflineScenario {
    static func userCount(_ configuration: BenchConfiguration) -> Int {
        configuration.clients / 2 * 2
    }

    static func run(_ context: ScenarioContext) async throws {
        let users = context.users
        var senders: [ConnectionSpec] = []
        var receivers: [ConnectionSpec] = []
        for pair in 0..<users.count / 2 {
            let sender = users[2 * pair]
            let receiver = users[2 * pair + 1]
            senders.append(
                ConnectionSpec(
                    index: pair,
                    user: sender,
                    deviceID: "imbench-\(sender.uid)",
                    role: .sender(receiver: receiver.uid),
                    expects: []
                )
            )
            receivers.append(
                ConnectionSpec(
                    index: users.count + pair,
                    user: receiver,
                    deviceID: "imbench-\(receiver.uid)",
                    role: .idle,
                    expects: [sender.uid]
                )
            )
        }
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
