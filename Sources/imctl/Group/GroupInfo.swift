import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a group and its members.",
            discussion: """
                EXAMPLES
                  imctl group info 1001
                  imctl group info 1001 --csv > members.csv
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupInfo(group: group) }
        }
    }
}
