import Foundation

/// A message body: given as an argument, `@file`, or `-` for stdin on the command line; as a JSON string
/// in a batch line.
package struct IMCtlContent: Sendable, Hashable, Decodable {
    /// The body as sent.
    package var bytes: [UInt8]

    /// A body of these bytes.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A body of the text's UTF-8 bytes.
    package init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    /// A batch line's `"content"`: the string's UTF-8 bytes.
    package init(from decoder: any Decoder) throws {
        bytes = Array(try decoder.singleValueContainer().decode(String.self).utf8)
    }

    /// Reads a command-line body argument: `-` is stdin, `@path` a file's bytes, anything else the text
    /// itself (so a text starting with `@` must come from a file or stdin).
    ///
    /// - Parameter name: The argument's name, for errors (`content`).
    package static func read(
        _ argument: String,
        name: String = "content",
        io: IMCtlIO
    ) throws(IMCtlFailure) -> IMCtlContent {
        if argument == "-" { return IMCtlContent(bytes: io.readAllInput()) }
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            guard !path.isEmpty else { throw .usage("\(name): \"@\" needs a file name (@path), or use - for stdin") }
            guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
                throw .usage("\(name): cannot read \(path): \(Self.reason(path))")
            }
            return IMCtlContent(bytes: Array(data))
        }
        return IMCtlContent(argument)
    }

    /// The body as text, for the endpoints that take JSON strings.
    package func text(field: String) throws(IMCtlFailure) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .usage("\(field): not valid UTF-8 text (this endpoint takes a JSON string)")
        }
        return text
    }

    private static func reason(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        return "permission denied"
    }
}
