import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Nickname: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a member's nickname in a group.",
            discussion: """
                EXAMPLES
                  imctl group nickname 1001 42 "night shift"
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The member's uid.") var uid: Int64
        @Argument(help: "The nickname (\"\" clears it).") var nickname: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in
                IMCtlOp.GroupNickname(group: group, uid: uid, nickname: nickname)
            }
        }
    }
}
