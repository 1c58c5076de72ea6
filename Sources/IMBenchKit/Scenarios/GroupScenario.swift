import Foundation
import IMCore

/// `group`: one group of `groupSize` members (normal, or super with `superGroup`), `clients` of them
/// connected; `senders` of those send to the group and every other connected member must get every
/// message (by push, or by the final sync). Reports deliveries per second and, per message, the latency
/// to its first and its last recipient. GoBelieve's `benchmark_group.go` shape, with correctness checked.
enum GroupScenario {
    static func userCount(_ configuration: BenchConfiguration) -> Int {
        max(configuration.clients, configuration.groupSize ?? configuration.clients)
    }

    static func run(_ context: ScenarioContext) async throws {
        let configuration = context.configuration
        let members = context.users
        let groupID = try await group(context, members: members.map(\.uid))
        let connected = Array(members.prefix(configuration.clients))
        let senderUsers = Array(connected.prefix(configuration.senders))
        var specs: [ConnectionSpec] = []
        for (index, user) in connected.enumerated() {
            let sends = index < senderUsers.count
            specs.append(
                ConnectionSpec(
                    index: index,
                    user: user,
                    deviceID: "imbench-\(user.uid)",
                    role: sends ? .groupSender(group: groupID) : .idle,
                    // Every member gets every other sender's messages; a sender's own sending device does not.
                    expects: senderUsers.map(\.uid).filter { $0 != user.uid },
                    superGroup: configuration.superGroup ? groupID : nil
                )
            )
        }
        let senders = specs.filter { $0.role.sends }
        let ordinals = Dictionary(uniqueKeysWithValues: senders.enumerated().map { ($1.index, $0) })
        await context.generator.trackSpans()
        let channels = try await context.connect(specs, senderOrdinals: ordinals)
        context.report.notes.append(
            "group \(groupID): \(configuration.superGroup ? "super" : "normal"), \(members.count) members, "
                + "\(connected.count) connected, \(senders.count) sending"
        )
        // Each message goes to every connected member but its sender.
        let run = MessageRun(context: context, fanout: connected.count - 1)
        let timing = await run.send(senders: senders)
        await run.finish(timing: timing, senders: senders, recipients: specs.filter { !$0.expects.isEmpty })
        context.report.totals.connections = channels.count
        context.report.totals.connectFailures = specs.count - channels.count
        await context.generator.closeAll(channels)
    }

    /// The group to send to: `--group-id`, or a new one made through the admin API.
    private static func group(_ context: ScenarioContext, members: [Int64]) async throws -> Int64 {
        let configuration = context.configuration
        if let groupID = configuration.groupID { return groupID }
        guard let url = configuration.adminURL else {
            throw BenchError(.usage, "the group scenario needs --admin to create its group, or --group-id")
        }
        return try await GroupProvisioner.create(
            url: url,
            adminToken: configuration.adminToken,
            appID: configuration.appID,
            members: members,
            isSuper: configuration.superGroup
        )
    }
}
