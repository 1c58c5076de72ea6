/// Why a node gave no figures this time.
package struct NodeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        /// No answer: refused, timed out, reset. The node is DOWN (critical for `--check`).
        case unreachable
        /// An answer that is not a `/summary`: an HTTP error (a wrong token, a wrong path) or not JSON.
        /// The node's state is unknown (UNKNOWN for `--check`).
        case badReply = "bad_reply"
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}
