/// `peer`: `clients / 2` sender→receiver pairs (uid 2i sends to uid 2i+1), every message checked at its
/// receiver.
enum PeerScenario {
    static func userCount(_ configuration: BenchConfiguration) -> Int {
        configuration.clients / 2 * 2
    }

    static func run(_ context: ScenarioContext) async throws {
        let users = context.users
        let (senders, receivers) = ConnectionSpec.pairs(
            of: users,
            senderIndex: { 2 * $0 },
            receiverIndex: { 2 * $0 + 1 }
        )
        let specs = zip(senders, receivers).flatMap { [$0, $1] }
        let ordinals = Dictionary(uniqueKeysWithValues: senders.enumerated().map { ($1.index, $0) })
        let channels = try await context.connect(specs, senderOrdinals: ordinals)
        let run = MessageRun(context: context, fanout: 1)
        let timing = await run.send(senders: senders)
        await run.finish(timing: timing, senders: senders, recipients: receivers)
        context.report.totals.connections = channels.count
        context.report.totals.connectFailures = specs.count - channels.count
        await context.generator.closeAll(channels)
    }
}
