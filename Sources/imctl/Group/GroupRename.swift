import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a group.",
            discussion: """
                EXAMPLES
                  imctl group rename 1001 "Ops on call"
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The new name.") var name: String
        @Flag(help: "Also post the change to the members as a group notification (GoBelieve's JSON).") var notify =
            false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in
                IMCtlOp.GroupRename(group: group, name: name, notify: notify)
            }
        }
    }
}
