import ArgumentParser
import Foundation
import IMCtlKit

extension IMCtl.Token {
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a login token; new logins with it fail.",
            discussion: """
                Sessions already logged in with the token stay connected: kick them with imctl user kick. \
                Give - to read the token from stdin (a token argument shows in process lists).

                EXAMPLES
                  imctl token revoke - < token.txt
                  imctl token revoke "$TOKEN" && imctl user kick --appid 7 42
                """
        )

        @Argument(help: "The token, or - to read it from stdin.") var token: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                var text = token
                if token == "-" {
                    text = String(decoding: io.readAllInput(), as: UTF8.self).trimmingCharacters(
                        in: .whitespacesAndNewlines
                    )
                }
                guard !text.isEmpty else { throw .usage("token: empty") }
                return IMCtlOp.TokenRevoke(token: text)
            }
        }
    }
}
