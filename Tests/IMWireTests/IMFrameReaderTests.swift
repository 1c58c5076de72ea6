import NIOCore
import Testing

@testable import IMWire

@Suite("Frame reader")
struct IMFrameReaderTests {
    static let frames: [IMFrame] = (0..<6).map { index in
        IMFrame(
            seq: Int32(index + 1),
            command: index % 2 == 0 ? .im : .ping,
            version: 2,
            body: index % 2 == 0 ? ByteBuffer(string: String(repeating: "x", count: 30 + index * 500)) : ByteBuffer()
        )
    }

    static var stream: ByteBuffer {
        var stream = ByteBuffer()
        for frame in frames { stream.writeIMFrame(frame) }
        return stream
    }

    static func drain(_ reader: inout IMFrameReader) throws -> [IMFrame] {
        var frames: [IMFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        return frames
    }

    @Test("the same frames whatever the reads' sizes", arguments: [1, 5, 12, 13, 100, 1000, 100_000])
    func anyChunking(chunk: Int) throws {
        var reader = IMFrameReader(decoder: .forClients)
        var stream = Self.stream
        var decoded: [IMFrame] = []
        while stream.readableBytes > 0 {
            reader.append(stream.readSlice(length: min(chunk, stream.readableBytes))!)
            decoded += try Self.drain(&reader)
        }
        #expect(decoded == Self.frames)
        #expect(reader.bufferedBytes == 0)
    }

    @Test("a partial frame is copied out: the read's buffer is not held")
    func partialFrameDoesNotHoldTheReadBuffer() throws {
        let whole = IMFrame(seq: 1, command: .im, version: 2, body: ByteBuffer(string: "first"))
        let split = IMFrame(seq: 2, command: .im, version: 2, body: ByteBuffer(repeating: 7, count: 1000))
        var secondBytes = ByteBuffer()
        secondBytes.writeIMFrame(split)
        var reader = IMFrameReader(decoder: .forClients)
        var read = ByteBufferAllocator().buffer(capacity: 4096)
        read.writeIMFrame(whole)
        read.writeImmutableBuffer(secondBytes.readSlice(length: 20)!)
        reader.append(read)
        var first = try #require(try reader.next())
        #expect(first == whole)
        #expect(try reader.next() == nil)
        #expect(reader.bufferedBytes == 20)
        // Only `read` and the first frame's body slice refer to the read's storage now.
        #expect(read.modifyIfUniquelyOwned { _ in true } == nil)
        first.body = ByteBuffer()
        #expect(read.modifyIfUniquelyOwned { _ in true } == true)
        // The rest arrives: the frame is whole.
        reader.append(secondBytes)
        #expect(try reader.next() == split)
        #expect(reader.bufferedBytes == 0)
    }

    @Test("a bad header throws before its body arrives")
    func badHeader() {
        var reader = IMFrameReader(decoder: .forClients)
        reader.append(ByteBuffer(bytes: [0x00, 0x00, 0x80, 0x00, 0, 0, 0, 1, 4, 2, 0, 0]))
        let error = #expect(throws: IMWireError.self) { try reader.next() }
        #expect(error?.code == .badLength)
    }

    @Test("a partial header's length is not trusted before the header is whole")
    func partialHeader() throws {
        var reader = IMFrameReader(decoder: .forClients)
        // A length of 2^31 - 1 in the first 4 bytes: refused once the header is here, never allocated.
        reader.append(ByteBuffer(bytes: [0x7f, 0xff, 0xff, 0xff, 0, 0]))
        #expect(try reader.next() == nil)
        #expect(reader.bufferedBytes == 6)
        reader.append(ByteBuffer(bytes: [0, 1, 4, 2, 0, 0]))
        #expect(throws: IMWireError.self) { try reader.next() }
    }
}
