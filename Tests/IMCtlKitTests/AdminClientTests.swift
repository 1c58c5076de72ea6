import Foundation
import IMAdminClient
import Testing

/// IMAdminClient's parts that need no server: URLs, tokens, JSON.
@Suite("IMAdminClient")
struct AdminClientTests {
    @Test(arguments: [
        ("127.0.0.1", "http://127.0.0.1:6666"),
        ("im-1:7000", "http://im-1:7000"),
        ("http://im-1", "http://im-1:80"),
        ("https://ops.example.com/im-admin/", "https://ops.example.com:443/im-admin"),
        ("http://[::1]:6666", "http://[::1]:6666"),
    ])
    func serverURLs(text: String, normalized: String) throws {
        #expect(try IMAdminServerURL(parsing: text).description == normalized)
    }

    @Test(arguments: [
        ("", "empty"),
        ("ftp://x", "the scheme must be http or https"),
        ("http://x:6666/?a=1", "must not have a query or fragment"),
        ("http://user:pw@x", "must not hold credentials"),
        ("http://", "no host"),
    ])
    func badServerURLs(text: String, problem: String) {
        #expect(throws: IMAdminError.self) { try IMAdminServerURL(parsing: text) }
        do {
            _ = try IMAdminServerURL(parsing: text)
        } catch {
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains(problem), "\(error.message)")
        }
    }

    @Test func tokensResolveFlagFileEnvironmentInThatOrder() throws {
        let directory = NSTemporaryDirectory() + "/imctl-tokens-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let privateFile = directory + "/private"
        let sharedFile = directory + "/shared"
        FileManager.default.createFile(
            atPath: privateFile,
            contents: Data("  from-file\n".utf8),
            attributes: [.posixPermissions: 0o600]
        )
        FileManager.default.createFile(
            atPath: sharedFile,
            contents: Data("shared".utf8),
            attributes: [.posixPermissions: 0o644]
        )
        let environment = ["IMCTL_TOKEN": "from-env", "IMCTL_TOKEN_FILE": privateFile]

        let flag = try IMAdminCredentials.resolve(token: "from-flag", tokenFile: nil, environment: environment)
        #expect(flag.token == "from-flag" && flag.source == .argument)
        #expect(flag.warnings.first?.contains("list processes") == true)

        let file = try IMAdminCredentials.resolve(token: nil, tokenFile: privateFile, environment: environment)
        #expect(file == IMAdminCredentials(token: "from-file", source: .file(privateFile)))

        let env = try IMAdminCredentials.resolve(token: nil, tokenFile: nil, environment: environment)
        #expect(env == IMAdminCredentials(token: "from-env", source: .environment("IMCTL_TOKEN")))

        let envFile = try IMAdminCredentials.resolve(
            token: nil,
            tokenFile: nil,
            environment: ["IMCTL_TOKEN_FILE": privateFile]
        )
        #expect(envFile.token == "from-file")

        let none = try IMAdminCredentials.resolve(token: nil, tokenFile: nil, environment: [:])
        #expect(none == IMAdminCredentials(token: nil, source: .none))

        // The token imd generated in its data directory: for a server on this machine only.
        try "generated\n".write(toFile: directory + "/admin-token", atomically: true, encoding: .utf8)
        let local = try IMAdminCredentials.resolve(
            token: nil,
            tokenFile: nil,
            environment: ["IMD_DATA_DIR": directory],
            localServer: true
        )
        #expect(local.token == "generated" && local.source == .file(directory + "/admin-token"))
        let remote = try IMAdminCredentials.resolve(token: nil, tokenFile: nil, environment: ["IMD_DATA_DIR": directory])
        #expect(remote == IMAdminCredentials(token: nil, source: .none))
        #expect(try IMAdminServerURL(parsing: "127.0.0.2:6666").isLoopback)
        #expect(try IMAdminServerURL(parsing: "http://localhost:6666").isLoopback)
        #expect(try IMAdminServerURL(parsing: "http://[::1]:6666").isLoopback)
        #expect(try !IMAdminServerURL(parsing: "10.0.0.1:6666").isLoopback)
        #expect(try !IMAdminServerURL(parsing: "127.example.com:6666").isLoopback)

        let shared = try IMAdminCredentials.resolve(token: nil, tokenFile: sharedFile, environment: [:])
        #expect(shared.warnings == ["the token file \(sharedFile) can be read by other users (mode 644); chmod 600 it"])

        FileManager.default.createFile(atPath: directory + "/empty", contents: Data("\n".utf8))
        for (token, path, message) in [
            ("a", privateFile, "give the admin token once"),
            (nil, directory + "/missing", "cannot read the token file \(directory)/missing: no such file"),
            (nil, directory, "cannot read the token file \(directory): it is a directory"),
            (nil, directory + "/empty", "the token file \(directory)/empty is empty"),
        ] as [(String?, String, String)] {
            do {
                _ = try IMAdminCredentials.resolve(token: token, tokenFile: path, environment: [:])
                Issue.record("\(path) was accepted")
            } catch {
                #expect(error.kind == .invalidConfiguration)
                #expect(error.message.hasPrefix(message), "\(error.message)")
            }
        }
    }

    @Test func jsonKeepsIntegersExactAndPrintsKeysSorted() throws {
        let text = #"{"z":[1,2.5,"a\"b\n",null,true],"a":{"id":9223372036854775807,"neg":-3},"e":{}}"#
        let json = try IMJSON(parsing: text)
        #expect(json["a"]?["id"]?.intValue == Int64.max)
        #expect(json["z"]?[1]?.doubleValue == 2.5)
        #expect(json["z"]?[4] == true)
        #expect(json.encoded() == #"{"a":{"id":9223372036854775807,"neg":-3},"e":{},"z":[1,2.5,"a\"b\n",null,true]}"#)
        #expect(try IMJSON(parsing: json.encoded()) == json)
        #expect(IMJSON.string("\u{1}").encoded() == #""\u0001""#)
        #expect(IMJSON.array([]).encoded(pretty: true) == "[]")
        #expect(IMJSON.object(["b": 1, "a": [1]]).encoded(pretty: true) == "{\n  \"a\": [\n    1\n  ],\n  \"b\": 1\n}")
    }

    @Test func requestTargetsArePercentEncoded() {
        let request = IMAdminRequest(
            .get,
            "/groups/a b",
            query: [(name: "q", value: "x&y=z"), (name: "uid", value: "1,2")]
        )
        #expect(request.line == "GET /groups/a%20b?q=x%26y%3Dz&uid=1%2C2")
    }

    @Test func responsesUnwrapData() throws {
        func response(_ text: String, type: String? = "application/json") -> IMAdminResponse {
            IMAdminResponse(status: 200, contentType: type, body: Array(text.utf8))
        }
        #expect(try response(#"{"data":{"count":3}}"#).data() == ["count": 3])
        #expect(try response(#"{"connection_count":3}"#).data() == ["connection_count": 3])
        #expect(try response("").data() == .null)
        #expect(try response("# HELP x\n", type: "text/plain").data() == "# HELP x\n")
        #expect(throws: IMAdminError.self) { try response("{oops").data() }
    }
}
