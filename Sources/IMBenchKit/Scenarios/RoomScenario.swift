/// `room`: `clients` connections in one chat room, `senders` of them sending; every other connection
/// must get every message. Room messages are not stored, so there is no final sync: what push missed is
/// lost. GoBelieve's `benchmark_room.go` shape, with correctness checked.
enum RoomScenario {
    static func userCount(_ configuration: BenchConfiguration) -> Int {
        configuration.clients
    }

    static func run(_ context: ScenarioContext) async throws {
        let configuration = context.configuration
        let users = context.users
        let room = configuration.roomID
        let senderUIDs = users.prefix(configuration.senders).map(\.uid)
        let specs = users.enumerated().map { index, user in
            ConnectionSpec(
                index: index,
                user: user,
                deviceID: "imbench-\(user.uid)",
                role: index < senderUIDs.count ? .roomSender : .idle,
                expects: senderUIDs.filter { $0 != user.uid },
                room: room
            )
        }
        let senders = specs.filter { $0.role.sends }
        let ordinals = Dictionary(uniqueKeysWithValues: senders.enumerated().map { ($1.index, $0) })
        await context.generator.trackSpans()
        let channels = try await context.connect(specs, senderOrdinals: ordinals)
        context.report.notes.append("room \(room): \(channels.count) connections, \(senders.count) sending")
        let run = MessageRun(context: context, fanout: users.count - 1)
        let timing = await run.send(senders: senders)
        await run.finish(
            timing: timing,
            senders: senders,
            recipients: specs.filter { !$0.expects.isEmpty },
            canSync: false
        )
        context.report.totals.connections = channels.count
        context.report.totals.connectFailures = specs.count - channels.count
        await context.generator.closeAll(channels)
    }
}
