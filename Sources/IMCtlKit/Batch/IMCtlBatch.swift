import Foundation
import IMAdminClient

/// `imctl batch`: NDJSON commands in, one NDJSON result out per command, in input order.
///
/// Each input line is a JSON object: `"command"` (as typed after `imctl`: `"post system"`), the
/// command's fields (its long options with `_` for `-`, and its arguments by name), and optionally an
/// `"id"` that is echoed back. Each result line is the JSON envelope plus `"line"` (the input line
/// number) and `"id"`: `{"line":3,"id":"a","ok":false,"data":null,"error":{"code","message"}}`. Blank
/// lines are skipped. Up to `concurrency` calls run at once; results are still written in input order.
package enum IMCtlBatch {
    /// How the run went.
    package struct Outcome: Sendable, Equatable {
        /// Lines that succeeded and lines that failed (bad lines included).
        package var succeeded = 0
        package var failed = 0
        /// The exit code of the first failed line (by line number), `.ok` if none failed.
        package var exitCode = IMCtlExitCode.ok
        /// Whether `--stop-on-error` stopped reading input.
        package var stopped = false

        package init(succeeded: Int = 0, failed: Int = 0, exitCode: IMCtlExitCode = .ok, stopped: Bool = false) {
            self.succeeded = succeeded
            self.failed = failed
            self.exitCode = exitCode
            self.stopped = stopped
        }
    }

    /// The operation a line asks for, and its id.
    package static func parse(_ text: String) throws(IMCtlFailure) -> (operation: any IMCtlOperation, id: IMJSON?) {
        let json: IMJSON
        do {
            json = try IMJSON(parsing: text)
        } catch {
            throw .usage("not JSON: \(String(text.prefix(80)))")
        }
        guard case .object(let members) = json else {
            throw .usage("each line must be a JSON object with \"command\", got \(String(text.prefix(80)))")
        }
        guard let commandValue = members["command"] else { throw .usage("command: missing") }
        guard let command = commandValue.stringValue else { throw .usage("command: must be a string") }
        let result = decode(command: command, keys: members.keys.sorted(), text: text)
        switch result {
        case .success(let operation): return (operation, members["id"])
        case .failure(let failure): throw failure
        }
    }

    /// The operation named `command` from the line, or why not.
    private static func decode(
        command: String,
        keys: [String],
        text: String
    ) -> Result<any IMCtlOperation, IMCtlFailure> {
        guard let entry = IMCtlCatalog.operation(named: command) else {
            return .failure(
                .usage(
                    "command: unknown command \"\(command)\"",
                    hint: "batch runs: " + IMCtlCatalog.operations.map(\.command).joined(separator: ", ")
                )
            )
        }
        if let unknown = keys.first(where: { $0 != "command" && $0 != "id" && !entry.fields.contains($0) }) {
            let known = entry.fields.isEmpty ? "none" : entry.fields.joined(separator: ", ")
            return .failure(.usage("\(unknown): not a field of \"\(entry.command)\" (its fields: \(known))"))
        }
        return entry.decode(Data(text.utf8)).mapError { IMCtlFailure.usage(describe($0)) }
    }

    /// One result line.
    static func resultLine(_ number: Int, id: IMJSON?, data: IMJSON, failure: IMCtlFailure?) -> IMJSON {
        var object = IMCtlRenderer.envelope(data: data, failure: failure).objectValue ?? [:]
        object["line"] = .int(Int64(number))
        if let id { object["id"] = id }
        return .object(object)
    }

    /// `receivers: missing`, `appid: must be an integer`.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "line" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context, key)): missing"
        case .typeMismatch(let type, let context): return "\(path(context)): must be \(typeName(type))"
        case .valueNotFound(let type, let context): return "\(path(context)): must be \(typeName(type)), got null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int64.Type, is Int.Type: "an integer"
        case is String.Type, is IMCtlContent.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Int64].Type: "a list of integers"
        default: "\(type)"
        }
    }
}
