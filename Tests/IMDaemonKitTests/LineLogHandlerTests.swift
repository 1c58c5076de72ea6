import Foundation
import IMDaemonKit
import Logging
import Testing

@Suite("Log lines")
struct LineLogHandlerTests {
    @Test func lineFormat() {
        let line = LineLogHandler.format(
            timestamp: timespec(tv_sec: 1_795_255_200, tv_nsec: 123_456_789),
            level: .info,
            label: "im",
            message: "listening client=0.0.0.0:23000",
            metadata: ["b": "two words", "a": "1", "c": "x=y"]
        )
        #expect(
            line == "2026-11-21T10:00:00.123Z info im: listening client=0.0.0.0:23000 a=1 b=\"two words\" c=\"x=y\"\n"
        )
    }

    @Test func fileOutputAppendsAndReopens() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/imd.log"
        try "earlier\n".write(toFile: path, atomically: true, encoding: .utf8)
        let output = try LogOutput(appendingTo: path)
        var logger = Logger(label: "imd") { label in LineLogHandler(label: label, output: output, level: .info) }
        logger.info("first", metadata: ["k": "v"])
        logger.debug("filtered out")
        // logrotate moves the file, then SIGHUP makes imd reopen the path.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        logger.info("still to the moved file")
        try output.reopen()
        logger.logLevel = .debug
        logger.debug("second")

        let rotated = try String(contentsOfFile: path + ".1", encoding: .utf8).split(separator: "\n")
        #expect(rotated.count == 3)
        #expect(rotated[0] == "earlier")
        #expect(rotated[1].hasSuffix(" info imd: first k=v"))
        #expect(rotated[2].hasSuffix(" info imd: still to the moved file"))
        let fresh = try String(contentsOfFile: path, encoding: .utf8)
        #expect(fresh.hasSuffix(" debug imd: second\n"))
        #expect(fresh.split(separator: "\n").count == 1)
    }

    @Test func unopenableFileIsAnError() {
        #expect(throws: LogFileError.self) { try LogOutput(appendingTo: "/nonexistent-dir/imd.log") }
    }
}
