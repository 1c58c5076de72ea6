import Foundation
import HTTPTypes
import Hummingbird
import IMAdminAPI
import NIOCore

/// An admin request that failed: replied as `{"meta":{"code":N,"message":"..."}}` with HTTP status N
/// (GoBelieve's shape, `IMAdminErrorReply`). The message names the bad field.
struct AdminError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// A request the shared types refused while decoding it.
    init(_ problem: IMAdminProblem) {
        self.init(HTTPResponse.Status(code: problem.status), problem.message)
    }

    static func badField(_ field: String, _ problem: String) -> AdminError {
        AdminError(.badRequest, "\(field): \(problem)")
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = IMAdminErrorReply(IMAdminProblem(status: Int(status.code), message)).encoded()
        return Response(
            status: status,
            headers: [.contentType: IMAdminReplyBody.jsonType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
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

/// Runs a directory call, turning its errors into HTTP replies (404, 409, 400, 503, 500).
func directoryCall<T>(_ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch let error as DirectoryError {
        switch error.code {
        case .notFound: throw AdminError(.notFound, error.message)
        case .conflict: throw AdminError(.conflict, error.message)
        case .invalidArgument: throw AdminError(.badRequest, error.message)
        case .closed: throw AdminError(.serviceUnavailable, "the directory is closed: \(error.message)")
        default: throw AdminError(.internalServerError, "the directory failed: \(error)")
        }
    }
}
