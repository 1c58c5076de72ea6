import Foundation
import Logging
import NIOCore

@testable import IMCore

func storeConfiguration(_ directory: TemporaryDirectory, fsync: IMServerConfiguration.FsyncPolicy = .none) -> LogStoreConfiguration {
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
