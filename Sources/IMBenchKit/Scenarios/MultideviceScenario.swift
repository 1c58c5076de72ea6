/// `multidevice`: pairs whose receiver has `devices` connections and whose sender has a second device:
/// every message must reach every receiver device and the sender's other device (its own copy).
enum MultideviceScenario {
    static func pairs(_ configuration: BenchConfiguration) -> Int {
        max(1, configuration.clients / (configuration.devices + 2))
    }

    static func userCount(_ configuration: BenchConfiguration) -> Int {
        2 * pairs(configuration)
    }

    static func run(_ context: ScenarioContext) async throws {
        let users = context.users
        let devices = context.configuration.devices
        var specs: [ConnectionSpec] = []
        var senders: [ConnectionSpec] = []
        var recipients: [ConnectionSpec] = []
        for pair in 0..<users.count / 2 {
            let sender = users[2 * pair]
            let receiver = users[2 * pair + 1]
            let sending = ConnectionSpec(
                index: specs.count,
                user: sender,
                deviceID: "imbench-\(sender.uid)-0",
                role: .sender(receiver: receiver.uid),
                expects: []
            )
            specs.append(sending)
            senders.append(sending)
            let otherDevice = ConnectionSpec(
                index: specs.count,
                user: sender,
                deviceID: "imbench-\(sender.uid)-1",
                role: .idle,
                expects: [sender.uid]
            )
            specs.append(otherDevice)
            recipients.append(otherDevice)
            for device in 0..<devices {
                let spec = ConnectionSpec(
                    index: specs.count,
                    user: receiver,
                    deviceID: "imbench-\(receiver.uid)-\(device)",
                    role: .idle,
                    expects: [sender.uid]
                )
                specs.append(spec)
                recipients.append(spec)
            }
        }
        let ordinals = Dictionary(uniqueKeysWithValues: senders.enumerated().map { ($1.index, $0) })
        let channels = try await context.connect(specs, senderOrdinals: ordinals)
        let run = MessageRun(context: context, fanout: devices + 1)
        let timing = await run.send(senders: senders)
        await run.finish(timing: timing, senders: senders, recipients: recipients)
        context.report.totals.connections = channels.count
        context.report.totals.connectFailures = specs.count - channels.count
        await context.generator.closeAll(channels)
    }
}
