import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a normal group into a super group.",
            discussion: """
                EXAMPLES
                  imctl group upgrade 1001 --notify
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Flag(help: "Also post the change to the members as a group notification (GoBelieve's JSON).") var notify =
            false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupUpgrade(group: group, notify: notify) }
        }
    }
}
