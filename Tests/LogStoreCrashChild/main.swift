// The child process of the store's crash test: appends as fast as it can with many appends in flight
// and prints one line per *completed* (durable) append: "<seq> <id>". The parent SIGKILLs it at a
// random moment and checks that every printed append survived. Message seq n goes to queue n % 7 with
// body "crash-<n>-" followed by n % 40 'z's.
import Foundation
import IMCore
import NIOCore

guard CommandLine.arguments.count >= 2 else {
    FileHandle.standardError.write("usage: LogStoreCrashChild DATA_DIR [fsync]\n".data(using: .utf8)!)
    exit(2)
}
var configuration = LogStoreConfiguration(directory: CommandLine.arguments[1])
configuration.fsync =
    CommandLine.arguments.count > 2 ? IMServerConfiguration.FsyncPolicy(rawValue: CommandLine.arguments[2]) ?? .batch : .batch
configuration.segmentSize = 4 << 20
configuration.logger.logLevel = .warning
let store = try LogStore(configuration: configuration)
let output = FileHandle.standardOutput
output.write("ready\n".data(using: .utf8)!)

let inFlight = DispatchSemaphore(value: 256)
var seq = 0
while true {
    inFlight.wait()
    let n = seq
    seq += 1
    let body = ByteBuffer(string: "crash-\(n)-" + String(repeating: "z", count: n % 40))
    let message = NewMessage(command: 4, body: body, senderDeviceID: Int64(n), timestamp: Int64(n))
    store.append(message, to: [QueueID.personal(appID: 1, uid: Int64(n % 7))]) { result in
        if case .success(let receipt) = result {
            // One write(2) per line: a line is either wholly in the pipe or not at all.
            output.write("\(n) \(receipt[0].id)\n".data(using: .utf8)!)
        }
        inFlight.signal()
    }
}
