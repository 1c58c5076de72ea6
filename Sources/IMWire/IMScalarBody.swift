import NIOCore

/// Bodies that are one or two big-endian integers (sync keys, room ids, counts, auth status).
public enum IMScalarBody {
    public static func int64(_ value: Int64) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return buffer
    }

    public static func int32(_ value: Int32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return buffer
    }

    public static func pair(_ first: Int64, _ second: Int64) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(first, second)
        return buffer
    }

    static func readInt64(_ body: ByteBuffer, _ command: IMCommand) throws(IMWireError) -> Int64 {
        guard let value = body.getInteger(at: body.readerIndex, as: Int64.self) else {
            throw IMWireError(.malformedBody, command: command, "needs 8 bytes, got \(body.readableBytes)")
        }
        return value
    }

    static func readInt32(_ body: ByteBuffer, _ command: IMCommand) throws(IMWireError) -> Int32 {
        guard let value = body.getInteger(at: body.readerIndex, as: Int32.self) else {
            throw IMWireError(.malformedBody, command: command, "needs 4 bytes, got \(body.readableBytes)")
        }
        return value
    }

    static func readPair(_ body: ByteBuffer, _ command: IMCommand) throws(IMWireError) -> (Int64, Int64) {
        guard let pair = body.getMultipleIntegers(at: body.readerIndex, as: (Int64, Int64).self) else {
            throw IMWireError(.malformedBody, command: command, "needs 16 bytes, got \(body.readableBytes)")
        }
        return pair
    }
}
