import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An admin request that failed: replied as `{"meta":{"code":N,"message":"..."}}` with HTTP status N
/// (GoBelieve's shape). The message names the bad field.
struct AdminError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badField(_ field: String, _ problem: String) -> AdminError {
        AdminError(.badRequest, "\(field): \(problem)")
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        AdminJSON.response(["meta": ["code": Int(status.code), "message": message]], status: status)
    }
}

/// JSON replies and request parsing for the admin API.
enum AdminJSON {
    /// `object` (dictionaries, arrays, strings, numbers, bools) as a JSON response.
    static func response(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// `{"data": object}`.
    static func data(_ object: Any) -> Response {
        response(["data": object])
    }

    /// An empty 200, as GoBelieve's post endpoints reply.
    static var empty: Response { Response(status: .ok) }

    /// The request body, at most `limit` bytes.
    static func body(_ request: Request, limit: Int = 1 << 20) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch {
            throw AdminError(.contentTooLarge, "body: larger than \(limit) bytes")
        }
    }

    /// The body decoded as `type`; a missing or mistyped field is a 400 that names it.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let body = try await body(request)
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw AdminError(.badRequest, describe(error))
        } catch {
            throw AdminError(.badRequest, "body: invalid json format")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context, key)): missing"
        case .typeMismatch(let type, let context): return "\(path(context)): must be \(typeName(type))"
        case .valueNotFound(let type, let context): return "\(path(context)): must be \(typeName(type)), got null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "body: invalid json format" : "\(path(context)): \(context.debugDescription)"
        @unknown default: return "body: invalid json format"
        }
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

extension Request {
    /// A required integer query parameter.
    func int(_ name: String) throws -> Int64 {
        guard let text = uri.queryParameters.get(name) else { throw AdminError.badField(name, "missing") }
        guard let value = Int64(text) else { throw AdminError.badField(name, "must be an integer, got \"\(text)\"") }
        return value
    }

    /// A list of integers from a query parameter given as `name=1,2,3`, repeated, or both; empty if absent.
    func intList(_ name: String) throws -> [Int64] {
        try uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",") }.map { text in
            guard let value = Int64(text) else {
                throw AdminError.badField(name, "must be integers, got \"\(text)\"")
            }
            return value
        }
    }

    /// An optional integer query parameter.
    func optionalInt(_ name: String) throws -> Int64? {
        uri.queryParameters.get(name) == nil ? nil : try int(name)
    }
}

/// Runs `read` against the message store: a store that is closing is a 503, one that failed a 500,
/// each naming the store.
func storeRead<T>(_ read: () async throws -> T) async throws -> T {
    do {
        return try await read()
    } catch let error as StoreError where error.code == .closed {
        throw AdminError(.serviceUnavailable, "the message store is closing: \(error.message)")
    } catch let error as StoreError {
        throw AdminError(.internalServerError, "the message store could not be read: \(error)")
    }
}
