import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Unmute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a muted member speak in the group again.",
            discussion: """
                EXAMPLES
                  imctl group unmute 1001 42
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The member's uid.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupUnmute(group: group, uid: uid) }
        }
    }
}
