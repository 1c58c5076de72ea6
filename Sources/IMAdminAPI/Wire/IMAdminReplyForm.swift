import Foundation

/// The bytes of a reply and their `Content-Type` (nil for an empty reply).
public struct IMAdminReplyBody: Sendable, Equatable {
    public var bytes: [UInt8]
    public var contentType: String?

    public init(bytes: [UInt8], contentType: String?) {
        self.bytes = bytes
        self.contentType = contentType
    }

    /// The JSON content type the admin API sends.
    public static let jsonType = "application/json; charset=utf-8"
}

/// How an endpoint's reply is laid out: `Value` to bytes on the server, bytes to `Value` on a client.
public protocol IMAdminReplyForm {
    /// What the reply holds.
    associatedtype Value: Sendable
    /// The reply for `value`.
    static func encode(_ value: Value) throws -> IMAdminReplyBody
    /// The value of a 2xx reply's body.
    ///
    /// - Throws: a `DecodingError` when the body is not what the endpoint sends.
    static func decode(_ bytes: [UInt8]) throws -> Value
}

/// `{"data": value}`: most of the admin API, and GoBelieve's replies that carry something.
public enum IMDataReply<Payload: Codable & Sendable>: IMAdminReplyForm {
    private struct Envelope: Codable {
        var data: Payload
    }

    public static func encode(_ value: Payload) throws -> IMAdminReplyBody {
        IMAdminReplyBody(bytes: try IMAdminJSON.encode(Envelope(data: value)), contentType: IMAdminReplyBody.jsonType)
    }

    public static func decode(_ bytes: [UInt8]) throws -> Payload {
        try IMAdminJSON.decode(Envelope.self, from: bytes).data
    }
}

/// The value itself as JSON, with no envelope (`/summary`, as GoBelieve's).
public enum IMJSONReply<Payload: Codable & Sendable>: IMAdminReplyForm {
    public static func encode(_ value: Payload) throws -> IMAdminReplyBody {
        IMAdminReplyBody(bytes: try IMAdminJSON.encode(value), contentType: IMAdminReplyBody.jsonType)
    }

    public static func decode(_ bytes: [UInt8]) throws -> Payload {
        try IMAdminJSON.decode(Payload.self, from: bytes)
    }
}

/// An empty 200, as GoBelieve's message posts answer.
public enum IMEmptyReply: IMAdminReplyForm {
    public static func encode(_ value: IMEmpty) throws -> IMAdminReplyBody {
        IMAdminReplyBody(bytes: [], contentType: nil)
    }

    /// Whatever came: GoBelieve's posts answer nothing that matters.
    public static func decode(_ bytes: [UInt8]) throws -> IMEmpty { IMEmpty() }
}

/// Plain UTF-8 text (`/stack`).
public enum IMTextReply: IMAdminReplyForm {
    public static func encode(_ value: String) throws -> IMAdminReplyBody {
        IMAdminReplyBody(bytes: Array(value.utf8), contentType: "text/plain; charset=utf-8")
    }

    public static func decode(_ bytes: [UInt8]) throws -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Prometheus's text exposition format, version 0.0.4 (`/metrics`).
public enum IMPrometheusReply: IMAdminReplyForm {
    public static func encode(_ value: String) throws -> IMAdminReplyBody {
        IMAdminReplyBody(bytes: Array(value.utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    public static func decode(_ bytes: [UInt8]) throws -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
