import ArgumentParser
import IMCtlKit

extension IMCtl.User {
    struct Kick: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a user's connections: all of them, or one device's.",
            discussion: """
                The client may log in again at once; revoke its token first to keep it out.

                EXAMPLES
                  imctl user kick --appid 7 42
                  imctl user kick --appid 7 42 --device-id 3 --json
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user's uid.") var uid: Int64
        @Option(help: "Only this device's sessions (the id `imctl user online` shows).") var deviceId: Int64?
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.UserKick(appid: try app.resolve(io: io), uid: uid, deviceID: deviceId)
            }
        }
    }
}
