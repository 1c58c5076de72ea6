import IMWire
import NIOCore

/// The test libFuzzer runs on each input: the frame reader over a byte stream as a client sends it.
///
/// The input is read twice: in one piece and in the pieces its first byte picks (1 to 256 bytes, as TCP
/// may split it). Both reads must agree frame for frame and on where the stream fails; every frame must
/// re-encode to the bytes it was read from, and a failure must come from the header rules only.
func fuzzFrames(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    guard let first = input.first else { return 0 }
    let stream = ByteBuffer(bytes: input.dropFirst())
    let decoder = first & 1 == 0 ? IMFrameDecoder.forClients : IMFrameDecoder(maxBodySize: 1 << 20)
    let whole = FrameStream.read(stream, pieces: stream.readableBytes, decoder: decoder)
    let split = FrameStream.read(stream, pieces: Int(first >> 1) + 1, decoder: decoder)
    precondition(whole == split, "reading in pieces changed the frames: \(whole) vs \(split)")
    var offset = 0
    for frame in whole.frames {
        var encoded = ByteBuffer()
        try! IMFrameEncoder().encode(data: frame, out: &encoded)
        // The header's last byte is reserved: read and ignored, written as 0.
        var original = Array(stream.getBytes(at: offset, length: encoded.readableBytes)!)
        original[IMFrame.headerSize - 1] = 0
        precondition(Array(encoded.readableBytesView) == original, "a frame re-encoded differently")
        offset += original.count
        _ = try? IMClientRequest(frame: frame)
    }
    return 0
}

/// What a stream read as: its frames and the error that ended it, if any.
struct FrameStream: Equatable {
    var frames: [IMFrame] = []
    var failure: String?

    static func read(_ stream: ByteBuffer, pieces size: Int, decoder: IMFrameDecoder) -> FrameStream {
        var reader = IMFrameReader(decoder: decoder)
        var result = FrameStream()
        var rest = stream
        while rest.readableBytes > 0 {
            reader.append(rest.readSlice(length: min(max(size, 1), rest.readableBytes))!)
            do {
                while let frame = try reader.next() { result.frames.append(frame) }
            } catch {
                result.failure = "\(error)"
                return result
            }
        }
        return result
    }
}
