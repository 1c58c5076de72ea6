import Foundation
import IMAdminAPI
import Testing

/// `docs/admin-api.yaml` against `IMAdmin.endpoints`: the OpenAPI document has every method of every
/// endpoint and nothing else, and exactly the open endpoints need no token.
///
/// No YAML library is a dependency, so `paths:` is read by indentation, as the document's header comment
/// asks it to be written: a path at 2 spaces, its methods at 4, `security: []` at 6.
@Suite("Admin API document")
struct AdminAPIDocumentTests {
    static let documentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/admin-api.yaml").path

    /// One operation: a lowercased method and an OpenAPI path (`get /groups/{gid}`).
    struct Route: Hashable, CustomStringConvertible {
        var method: String
        var path: String

        var description: String { "\(method) \(path)" }
    }

    /// What the `paths:` section holds.
    struct Paths {
        var operations: Set<Route> = []
        /// The operations with `security: []`.
        var open: Set<Route> = []
        /// Lines that break the layout the reader relies on, each with its line number.
        var problems: [String] = []
    }

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Reads the operations of the `paths:` section of `text`.
    static func paths(in text: String) -> Paths {
        var paths = Paths()
        var inPaths = false
        var sawPaths = false
        var path: String?
        var operation: Route?
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let content = strippingComment(line.drop { $0 == " " })
            let indent = line.prefix { $0 == " " }.count
            if content.isEmpty { continue }
            if indent == 0 {
                inPaths = content == "paths:"
                sawPaths = sawPaths || inPaths
                path = nil
                operation = nil
                continue
            }
            guard inPaths else { continue }
            switch indent {
            case 2:
                operation = nil
                path = key(content)
                if path == nil { paths.problems.append("line \(number): \"\(content)\" is not a path key") }
            case 4:
                operation = nil
                guard let path else {
                    paths.problems.append("line \(number): \"\(content)\" comes before any path")
                    continue
                }
                guard let method = key(content), httpMethods.contains(method) else {
                    paths.problems.append(
                        "line \(number): \"\(content)\" under \(path) is not an HTTP method (only methods at 4 spaces)"
                    )
                    continue
                }
                let found = Route(method: method, path: path)
                if paths.operations.contains(found) { paths.problems.append("line \(number): \(found) twice") }
                paths.operations.insert(found)
                operation = found
            case 6 where content == "security: []":
                if let operation { paths.open.insert(operation) }
            default:
                break
            }
        }
        if !sawPaths { paths.problems.append("no \"paths:\" at column 0") }
        return paths
    }

    /// The line without a trailing comment or spaces (`#` starts a comment at the start or after a space).
    private static func strippingComment(_ line: Substring) -> Substring {
        var text = line
        if text.hasPrefix("#") { return "" }
        if let comment = text.range(of: " #") { text = text[..<comment.lowerBound] }
        while text.last == " " { text = text.dropLast() }
        return text
    }

    /// `/summary:` → `/summary`, `"/x":` → `/x`; nil when the line is not a key alone.
    private static func key(_ content: Substring) -> String? {
        guard content.hasSuffix(":") else { return nil }
        var key = content.dropLast()
        if key.count >= 2, let quote = key.first, quote == "\"" || quote == "'", key.last == quote {
            key = key.dropFirst().dropLast()
        }
        return key.isEmpty || key.contains(" ") ? nil : String(key)
    }

    /// `/groups/:gid` as OpenAPI writes it, `/groups/{gid}`.
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    /// Every method of every declared endpoint.
    static var declared: Set<Route> {
        Set(
            IMAdmin.endpoints.flatMap { endpoint in
                endpoint.methods.map { Route(method: $0.rawValue.lowercased(), path: openAPIPath(endpoint.path)) }
            }
        )
    }

    static func document() throws -> Paths {
        paths(in: try String(contentsOfFile: documentPath, encoding: .utf8))
    }

    static func list(_ operations: some Collection<Route>) -> String {
        operations.map(\.description).sorted().joined(separator: ", ")
    }

    @Test func theDocumentHasEveryMethodOfEveryEndpointAndNothingElse() throws {
        let document = try Self.document()
        #expect(document.problems.isEmpty, "docs/admin-api.yaml: \(document.problems.joined(separator: "; "))")
        let missing = Self.declared.subtracting(document.operations)
        let extra = document.operations.subtracting(Self.declared)
        #expect(missing.isEmpty, "in IMAdmin.endpoints but not in docs/admin-api.yaml: \(Self.list(missing))")
        #expect(extra.isEmpty, "in docs/admin-api.yaml but not in IMAdmin.endpoints: \(Self.list(extra))")
    }

    @Test func theEndpointsWithoutSecurityAreExactlyTheOpenPaths() throws {
        let document = try Self.document()
        let openPaths = Set(IMAdmin.openPaths.map(Self.openAPIPath))
        let documented = Set(document.open.map(\.path))
        #expect(
            documented == openPaths,
            "security: [] on \(documented.sorted()), but IMAdmin.openPaths is \(openPaths.sorted())"
        )
        // The server lets a request through by its path whatever the method, so every method of an open path
        // is open.
        let guarded = document.operations.filter { openPaths.contains($0.path) && !document.open.contains($0) }
        #expect(guarded.isEmpty, "open paths whose operation lacks security: []: \(Self.list(guarded))")
    }

    @Test func theReaderTakesPathsAndMethodsByIndentationOnly() {
        let text = """
            # paths: in a comment
            openapi: 3.0.3
            paths:
              /a/{id}:
                get:
                  security: []
                  responses:
                    "200":
                      description: "get: ok"
                post: # a comment
                  responses: {}

              "/b":
                delete:
                  parameters: []
            components:
              schemas:
                get:
                  type: object
            """
        let paths = Self.paths(in: text)
        #expect(paths.problems.isEmpty, "\(paths.problems)")
        #expect(Self.list(paths.operations) == "delete /b, get /a/{id}, post /a/{id}")
        #expect(Self.list(paths.open) == "get /a/{id}")

        let misplaced = Self.paths(in: "paths:\n  /a:\n    parameters:\n      - name: x\n    get:\n")
        #expect(misplaced.problems.count == 1 && misplaced.problems.first?.contains("parameters") == true)
        #expect(Self.list(misplaced.operations) == "get /a")
        #expect(Self.paths(in: "openapi: 3.0.3\n").problems == ["no \"paths:\" at column 0"])
    }

    @Test func pathParametersAreWrittenAsOpenAPITemplates() {
        #expect(Self.openAPIPath(IMAdmin.GroupRemoveMember.path) == "/groups/{gid}/members/{uid}")
        #expect(Self.openAPIPath(IMAdmin.Summary.path) == "/summary")
    }
}
