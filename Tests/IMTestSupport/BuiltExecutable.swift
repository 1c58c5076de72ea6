import Foundation

/// The path of an executable built with the tests: they land in the same build directory as the test
/// bundle (or one or two levels up from it).
package func builtExecutable(_ name: String) -> String {
    let fromProc = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
    let bases = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        URL(fileURLWithPath: fromProc).deletingLastPathComponent(),
    ]
    for base in bases {
        for directory in [
            base, base.deletingLastPathComponent(), base.deletingLastPathComponent().deletingLastPathComponent(),
        ] {
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
    }
    return bases[1].appendingPathComponent(name).path
}
