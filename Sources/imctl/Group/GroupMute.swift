import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Mute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mute a member in a group: the member's group messages are refused.",
            discussion: """
                EXAMPLES
                  imctl group mute 1001 42
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The member's uid.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupMute(group: group, uid: uid) }
        }
    }
}
