import Foundation

/// A request the admin API refuses: the HTTP status and a message that names the bad field
/// (`uid: missing`, `appid: must be an integer, got "x"`).
///
/// The server replies with it as `{"meta":{"code":status,"message":message}}` (GoBelieve's shape,
/// `IMAdminErrorReply`).
public struct IMAdminProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status: 400 for a bad field, 413 for a body that is too large, ...
    public var status: Int
    /// What was wrong, starting with the field's name.
    public var message: String

    /// A problem with `status` and `message`.
    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    /// A 400 `field: problem`.
    public static func badField(_ field: String, _ problem: String) -> IMAdminProblem {
        IMAdminProblem(status: 400, "\(field): \(problem)")
    }

    /// A 413 for a body longer than `limit` bytes.
    public static func bodyTooLarge(_ limit: Int) -> IMAdminProblem {
        IMAdminProblem(status: 413, "body: larger than \(limit) bytes")
    }

    public var description: String { "\(status): \(message)" }

    /// A JSON body that did not decode, described by the field it failed at.
    static func decoding(_ error: any Error) -> IMAdminProblem {
        guard let error = error as? DecodingError else { return .badField("body", "invalid json format") }
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        let message: String
        switch error {
        case .keyNotFound(let key, let context): message = "\(path(context, key)): missing"
        case .typeMismatch(let type, let context): message = "\(path(context)): must be \(typeName(type))"
        case .valueNotFound(let type, let context): message = "\(path(context)): must be \(typeName(type)), got null"
        case .dataCorrupted(let context):
            message =
                context.codingPath.isEmpty
                ? "body: invalid json format" : "\(path(context)): \(context.debugDescription)"
        @unknown default: message = "body: invalid json format"
        }
        return IMAdminProblem(status: 400, message)
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int64.Type, is Int.Type, is Int32.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }
}

/// The body of an error reply, GoBelieve's `{"meta":{"code":N,"message":"..."}}`.
public struct IMAdminErrorReply: Codable, Sendable, Equatable {
    /// The status and the message.
    public struct Meta: Codable, Sendable, Equatable {
        public var code: Int
        public var message: String

        public init(code: Int, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var meta: Meta

    /// The reply for `problem`.
    public init(_ problem: IMAdminProblem) {
        meta = Meta(code: problem.status, message: problem.message)
    }

    /// The reply's JSON bytes.
    public func encoded() -> [UInt8] {
        (try? IMAdminJSON.encode(self)) ?? Array(#"{"meta":{}}"#.utf8)
    }

    /// The error reply in `body`, or nil if it is not one.
    public static func decode(_ body: [UInt8]) -> IMAdminErrorReply? {
        try? JSONDecoder().decode(IMAdminErrorReply.self, from: Data(body))
    }
}

/// The JSON coding both ends use: keys sorted, so replies read the same from run to run.
public enum IMAdminJSON {
    /// `value` as JSON bytes, keys sorted.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    /// `type` from JSON bytes.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
