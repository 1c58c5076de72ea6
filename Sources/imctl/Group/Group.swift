import ArgumentParser

extension IMCtl {
    struct Group: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, inspect and change groups and their members.",
            subcommands: [
                Create.self, Disband.self, Info.self, List.self, Add.self, Remove.self, Mute.self, Unmute.self,
                Upgrade.self, Rename.self, Notice.self, Transfer.self, Nickname.self,
            ]
        )
    }
}
