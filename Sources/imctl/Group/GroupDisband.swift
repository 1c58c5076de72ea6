import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Disband: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disband a group: it and its members are deleted.",
            discussion: """
                EXAMPLES
                  imctl group disband 1001
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupDisband(group: group) }
        }
    }
}
