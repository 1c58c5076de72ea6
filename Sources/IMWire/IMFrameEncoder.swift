import NIOCore

/// Writes `IMFrame`s to the byte stream.
public struct IMFrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = IMFrame

    public init() {}

    public func encode(data: IMFrame, out: inout ByteBuffer) throws {
        out.writeIMFrame(data)
    }
}
