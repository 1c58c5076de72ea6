import IMAdminAPI

/// The test libFuzzer runs on each input: every admin endpoint's request as the server reads it, and its reply as
/// `IMAdminClient` reads it, from any bytes.
///
/// The first byte picks the endpoint and whether the body is JSON; the bytes up to the first 0 are the
/// query (`name=value&...`, also given as the path parameters), the rest the body. Reading must refuse
/// bad input with a 4xx problem, never trap; a request it read must write (as a client would send it) and
/// read back. The reply decoder gets the body too.
func fuzzAdminRequests(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    guard let first = input.first else { return 0 }
    let endpoint = IMAdmin.endpoints[Int(first >> 1) % IMAdmin.endpoints.count]
    let rest = input.dropFirst()
    let split = rest.firstIndex(of: 0) ?? rest.endIndex
    let query = String(decoding: rest[..<split], as: UTF8.self).split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
    }
    let body = split < rest.endIndex ? Array(rest[rest.index(after: split)...]) : nil
    let parts = IMAdminHTTPParts(
        pathParameters: Dictionary(query.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
        query: query,
        body: body,
        bodyIsJSON: first & 1 == 1
    )
    read(endpoint, parts)
    _ = try? decodeReply(endpoint, body ?? [])
    return 0
}

private func read<Endpoint: IMAdminEndpoint>(_: Endpoint.Type, _ parts: IMAdminHTTPParts) {
    let request: Endpoint.Request
    do {
        request = try Endpoint.Request(reading: parts)
    } catch {
        precondition((400..<500).contains(error.status), "\(Endpoint.routeDescription): status \(error.status)")
        return
    }
    do {
        var written = IMAdminHTTPParts()
        try request.write(to: &written)
        written.pathParameters.merge(written.query.map { ($0.name, $0.value) }) { path, _ in path }
        _ = try Endpoint.Request(reading: written)
    } catch {
        preconditionFailure("\(Endpoint.routeDescription): a request read from \(parts) did not survive writing: \(error)")
    }
}

private func decodeReply<Endpoint: IMAdminEndpoint>(_: Endpoint.Type, _ bytes: [UInt8]) throws {
    _ = try Endpoint.Reply.decode(bytes)
}
