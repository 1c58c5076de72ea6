import Foundation
import IMAdminClient

/// One imctl command that is one admin API call: what to send, and how the reply reads.
///
/// The command line (the `imctl` executable's subcommands) and batch lines (`imctl batch`, where each
/// line is a JSON object with `"command"` and the fields) build the same operation, so both send the
/// same request and print the same result. Building the request does no I/O.
package protocol IMCtlOperation: Sendable, Decodable {
    /// The command as typed after `imctl`: `user kick`, `post system`, `summary`.
    static var command: String { get }
    /// The fields a batch line may carry besides `command` and `id`, as the JSON names them.
    static var fields: [String] { get }
    /// The request; a usage failure (nothing is sent) if the arguments cannot make one.
    func request() throws(IMCtlFailure) -> IMAdminRequest
    /// How the reply's data reads in the text and CSV formats.
    func present(_ data: IMJSON) -> IMCtlPresentation
}

extension IMCtlOperation {
    /// Default: a table for a list, a record for an object, text for text, `ok` for nothing.
    package func present(_ data: IMJSON) -> IMCtlPresentation {
        switch data {
        case .null: .message("ok")
        case .array(let rows): .table(IMCtlOp.columns(of: rows), rows)
        case .string(let text): .text(text)
        default: .record(data)
        }
    }
}

/// The operations, by command name: what `imctl batch` accepts.
package enum IMCtlCatalog {
    /// One operation type: its command, its fields, and how a batch line becomes one.
    package struct Entry: Sendable {
        /// As `IMCtlOperation.command` and `.fields`.
        package let command: String
        package let fields: [String]
        let decode: @Sendable (Data) -> Result<any IMCtlOperation, any Error>

        init<Operation: IMCtlOperation>(_ type: Operation.Type) {
            command = Operation.command
            fields = Operation.fields
            decode = { data in Result { try JSONDecoder().decode(Operation.self, from: data) } }
        }
    }

    /// Every operation, in `imctl --help` order.
    package static let operations: [Entry] = [
        Entry(IMCtlOp.PostPeer.self), Entry(IMCtlOp.PostGroup.self), Entry(IMCtlOp.PostSystem.self),
        Entry(IMCtlOp.PostRoom.self), Entry(IMCtlOp.PostCustomer.self), Entry(IMCtlOp.PostRealtime.self),
        Entry(IMCtlOp.PostNotification.self), Entry(IMCtlOp.TokenIssue.self), Entry(IMCtlOp.TokenRevoke.self),
        Entry(IMCtlOp.UserKick.self), Entry(IMCtlOp.UserOnline.self), Entry(IMCtlOp.UserMute.self),
        Entry(IMCtlOp.UserUnmute.self), Entry(IMCtlOp.UserOfflineCount.self), Entry(IMCtlOp.UserHistory.self),
        Entry(IMCtlOp.UserLatest.self), Entry(IMCtlOp.GroupCreate.self), Entry(IMCtlOp.GroupDisband.self),
        Entry(IMCtlOp.GroupInfo.self), Entry(IMCtlOp.GroupList.self), Entry(IMCtlOp.GroupAdd.self),
        Entry(IMCtlOp.GroupRemove.self), Entry(IMCtlOp.GroupMute.self), Entry(IMCtlOp.GroupUnmute.self),
        Entry(IMCtlOp.GroupUpgrade.self), Entry(IMCtlOp.GroupRename.self), Entry(IMCtlOp.GroupNotice.self),
        Entry(IMCtlOp.GroupTransfer.self), Entry(IMCtlOp.GroupNickname.self), Entry(IMCtlOp.FriendAdd.self),
        Entry(IMCtlOp.FriendRemove.self), Entry(IMCtlOp.FriendList.self), Entry(IMCtlOp.BlacklistAdd.self),
        Entry(IMCtlOp.BlacklistRemove.self), Entry(IMCtlOp.BlacklistList.self), Entry(IMCtlOp.WordsReload.self),
        Entry(IMCtlOp.WordsShow.self), Entry(IMCtlOp.StoreStats.self), Entry(IMCtlOp.StoreSnapshot.self),
        Entry(IMCtlOp.StoreCompact.self), Entry(IMCtlOp.StorePromote.self),
        Entry(IMCtlOp.Summary.self), Entry(IMCtlOp.ConfigShow.self), Entry(IMCtlOp.LogLevel.self),
        Entry(IMCtlOp.Metrics.self), Entry(IMCtlOp.Stack.self), Entry(IMCtlOp.ClusterNodes.self),
        Entry(IMCtlOp.ClusterLookup.self),
    ]

    /// The operation named `command` (`"user kick"`; spaces between words may repeat).
    package static func operation(named command: String) -> Entry? {
        let normalized = command.split(separator: " ").joined(separator: " ")
        return operations.first { $0.command == normalized }
    }
}

/// The operations themselves, one nested type per command; see the `IMCtlOp+*.swift` files.
package enum IMCtlOp {
    /// Columns for rows nobody described: every key of the first rows, sorted.
    static func columns(of rows: [IMJSON]) -> [IMCtlColumn] {
        var keys = Set<String>()
        for row in rows.prefix(100) { if let members = row.objectValue { keys.formUnion(members.keys) } }
        guard !keys.isEmpty else { return [IMCtlColumn("VALUE", "")] }
        return keys.sorted().map { IMCtlColumn($0.uppercased(), $0) }
    }

    /// `user 42 (app 7)`.
    static func user(_ uid: Int64, app: Int64) -> String { "user \(uid) (app \(app))" }

    /// The request for `endpoint` (its declaration in `IMAdmin`) carrying `request`; one that cannot be
    /// encoded is a usage failure, and nothing is sent.
    static func request<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        _ request: Endpoint.Request
    ) throws(IMCtlFailure) -> IMAdminRequest {
        do {
            return try IMAdminRequest(endpoint, request)
        } catch {
            throw .usage(error.message)
        }
    }
}
