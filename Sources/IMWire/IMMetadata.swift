import NIOCore

/// The body of `MSG_METADATA`: `sync_key i64 | prev_sync_key i64 | 16 zero bytes`.
public struct IMMetadata: Sendable, Equatable {
    public var syncKey: Int64
    public var previousSyncKey: Int64

    public init(syncKey: Int64, previousSyncKey: Int64) {
        self.syncKey = syncKey
        self.previousSyncKey = previousSyncKey
    }

    public init(body: ByteBuffer) throws(IMWireError) {
        var body = body
        guard body.readableBytes >= 32, let (key, previous) = body.readMultipleIntegers(as: (Int64, Int64).self) else {
            throw IMWireError(.malformedBody, command: .metadata, "needs 32 bytes, got \(body.readableBytes)")
        }
        self.init(syncKey: key, previousSyncKey: previous)
    }

    public func body() -> ByteBuffer {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return buffer
    }

    /// Writes the 32-byte body.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(syncKey, previousSyncKey, Int64(0), Int64(0))
    }
}
