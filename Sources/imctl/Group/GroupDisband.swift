import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Disband: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disband a group: it and its members are deleted.",
            discussion: """
                EXAMPLES
                  imctl group disband 1001 --notify
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Flag(help: "Also post the change to the members as a group notification (GoBelieve's JSON).") var notify =
            false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupDisband(group: group, notify: notify) }
        }
    }
}
