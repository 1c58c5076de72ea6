import Foundation
import Logging
import NIOCore

@testable import IMCore

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/im-store-test-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(cString: template)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// The path of an executable built with the tests (they land in the same build directory).
func builtExecutable(_ name: String) -> String {
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

func storeConfiguration(_ directory: TemporaryDirectory, fsync: FsyncPolicy = .none) -> LogStoreConfiguration {
    var configuration = LogStoreConfiguration(directory: directory.path)
    configuration.fsync = fsync
    configuration.segmentSize = 4 << 20
    configuration.logger.logLevel = .warning
    return configuration
}

func message(_ text: String, command: UInt8 = 4, device: Int64 = 7, timestamp: Int64 = 1_700_000_000) -> NewMessage {
    NewMessage(command: command, body: ByteBuffer(string: text), senderDeviceID: device, timestamp: timestamp)
}

extension StoredMessage {
    var text: String { String(buffer: body) }
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? -1
}

func segmentPaths(_ directory: TemporaryDirectory) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasPrefix("segment-") }
        .sorted()
        .map { directory.file($0) }
}
