import IMWire
import NIOCore

/// The test libFuzzer runs on each input: RFC 6455 framing, as a server reads a client and a client reads a server.
///
/// The first byte picks the role and the pieces TCP splits the rest into. Read in one piece and in those
/// pieces, the stream must give the same messages and fail at the same point with the same error; no
/// data message may exceed the limit, fragments joined.
func fuzzWebSocket(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    guard let first = input.first else { return 0 }
    let role: WebSocketRole = first & 1 == 0 ? .server : .client
    let stream = ByteBuffer(bytes: input.dropFirst())
    let whole = MessageStream.read(stream, pieces: stream.readableBytes, role: role)
    let split = MessageStream.read(stream, pieces: Int(first >> 1) + 1, role: role)
    precondition(whole == split, "reading in pieces changed the messages: \(whole) vs \(split)")
    for message in whole.messages {
        switch message {
        case .binary(let payload), .text(let payload):
            precondition(payload.readableBytes <= MessageStream.maxMessageSize, "a message over the limit")
        case .ping(let payload), .pong(let payload):
            precondition(payload.readableBytes <= 125, "a control frame over 125 bytes")
        case .close: break
        }
    }
    return 0
}

/// What a stream read as: its messages and the error that ended it, if any.
struct MessageStream: Equatable {
    static let maxMessageSize = 4096
    var messages: [WebSocketMessage] = []
    var failure: WebSocketProtocolError?

    static func read(_ stream: ByteBuffer, pieces size: Int, role: WebSocketRole) -> MessageStream {
        var reader = WebSocketMessageReader(role: role, maxMessageSize: maxMessageSize)
        var result = MessageStream()
        var rest = stream
        while rest.readableBytes > 0 {
            reader.append(rest.readSlice(length: min(max(size, 1), rest.readableBytes))!)
            do {
                while let message = try reader.next() { result.messages.append(message) }
            } catch {
                result.failure = error
                return result
            }
        }
        return result
    }
}
