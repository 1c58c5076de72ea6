import IMWire
import NIOCore
import Testing

@testable import IMCore

/// A frame's body is a slice of the buffer it was read with (`IMFrameReader`); what the server keeps of a
/// message past the read (a pending append, a push held for a recipient that does not read) must hold only
/// the message's own bytes: a 1 KiB message must not keep a 64 KiB read alive.
@Suite("Message bytes kept past the read")
struct MessageBytesTests {
    /// A 1 KiB message decoded from the middle of a 64 KiB read, as `IMFrameReader` hands it out.
    func messageReadFromALargeBuffer() throws -> (IMMessage, ByteBuffer) {
        let content = ByteBuffer(string: String(repeating: "k", count: 1_000))
        let sent = IMMessage(sender: 1, receiver: 2, timestamp: 5, msgID: 9, content: content)
        var read = ByteBufferAllocator().buffer(capacity: 64 << 10)
        read.writeRepeatingByte(0, count: 300)
        let bodyStart = read.writerIndex
        sent.write(to: &read, version: 2)
        let message = try IMMessage(body: read.getSlice(at: bodyStart, length: read.writerIndex - bodyStart)!, version: 2)
        #expect(message.content.storageCapacity >= 64 << 10)
        return (message, content)
    }

    @Test func theStoredBodyAndTheKeptContentShareOneSmallBuffer() throws {
        var (message, content) = try messageReadFromALargeBuffer()
        let body = message.storedBody()
        #expect(body.storageCapacity < 2 * body.readableBytes)
        #expect(message.content == content)
        #expect(message.content.storageCapacity == body.storageCapacity)
        #expect(try IMMessage(body: body, version: 2) == message)
    }

    @Test func aPlannedPeerMessageKeepsNoSliceOfTheRead() throws {
        let harness = try SessionHarness()
        let (message, content) = try messageReadFromALargeBuffer()
        let origin = MessageOrigin(session: SendingSession(user: UserKey(appID: 7, uid: 1), deviceID: 1, sessionID: 1))
        let plan = harness.server.messages.peerPlan(message, flags: [], from: origin)
        guard case .message(let kept) = plan.frame.body else {
            Issue.record("a peer message's frame is built from the message")
            return
        }
        #expect(kept.content == content)
        #expect(kept.content.storageCapacity < 4 << 10)
        #expect(plan.message.body.storageCapacity < 4 << 10)
    }
}
