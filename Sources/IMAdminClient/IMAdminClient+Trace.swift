import AsyncHTTPClient
import Foundation
import NIOCore

/// `--verbose`: the request and the reply as they went, with the admin token redacted.
extension IMAdminClient {
    /// Traces `outgoing` (and its body) before it is sent.
    static func traceRequest(
        _ trace: @Sendable (String) -> Void,
        _ request: IMAdminRequest,
        _ outgoing: HTTPClientRequest,
        body: [UInt8],
        server: IMAdminServerURL
    ) {
        var lines = ["> \(request.line) HTTP/1.1", "> Host: \(server.host):\(server.port)"]
        for header in outgoing.headers {
            let value = header.name.lowercased() == "authorization" ? "Bearer <redacted>" : header.value
            lines.append("> \(header.name): \(value)")
        }
        lines += traceBody(body, prefix: ">")
        trace(lines.joined(separator: "\n"))
    }

    /// Traces a reply that took `elapsed`.
    static func traceResponse(
        _ trace: @Sendable (String) -> Void,
        _ response: HTTPClientResponse,
        body: [UInt8],
        elapsed: Duration
    ) {
        var lines = ["< HTTP \(response.status.code) \(response.status.reasonPhrase) (\(format(elapsed)))"]
        for header in response.headers { lines.append("< \(header.name): \(header.value)") }
        lines += traceBody(body, prefix: "<")
        trace(lines.joined(separator: "\n"))
    }

    static func traceBody(_ body: [UInt8], prefix: String) -> [String] {
        guard !body.isEmpty else { return [] }
        let limit = 16 << 10
        var text = String(decoding: body.prefix(limit), as: UTF8.self)
        if body.count > limit { text += "\n... (\(body.count - limit) more bytes)" }
        return [prefix] + text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(prefix) \($0)" }
    }

    /// `10 s`, `250 ms`, `1.5 s`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        if total < 1 { return "\(Int((total * 1000).rounded())) ms" }
        if total.rounded() == total { return "\(Int(total)) s" }
        return String(format: "%.1f s", total)
    }
}
