import NIOCore

/// The on-disk layout of one log record (format version 1), all integers little-endian.
///
/// ```
/// frame   u32 payload length | u32 CRC-32C of the payload
/// payload u8 type (1 = message) | u8 command | u16 reserved | u32 queue count
///         u64 first entry id | i64 timestamp | i64 sender device id
///         queue count × (u8 kind | i64 appid | i64 owner)
///         body bytes (the rest)
/// ```
/// The body is stored once; the entry for the i-th queue has id `first id + i`.
enum LogRecord {
    static let frameSize = 8
    static let fixedPayloadSize = 32
    static let queueReferenceSize = 17
    static let typeMessage: UInt8 = 1

    static func size(queueCount: Int, bodyLength: Int) -> Int {
        frameSize + fixedPayloadSize + queueReferenceSize * queueCount + bodyLength
    }

    /// Appends one record to `buffer`.
    static func encode(into buffer: inout ByteBuffer, firstID: UInt64, message: NewMessage, queues: [QueueID]) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0), endianness: .little)  // length, set below
        buffer.writeInteger(UInt32(0), endianness: .little)  // crc, set below
        buffer.writeInteger(typeMessage)
        buffer.writeInteger(message.command)
        buffer.writeInteger(UInt16(0), endianness: .little)
        buffer.writeInteger(UInt32(queues.count), endianness: .little)
        buffer.writeInteger(firstID, endianness: .little)
        buffer.writeInteger(message.timestamp, endianness: .little)
        buffer.writeInteger(message.senderDeviceID, endianness: .little)
        for queue in queues {
            buffer.writeInteger(queue.kind.rawValue)
            buffer.writeInteger(queue.appID, endianness: .little)
            buffer.writeInteger(queue.ownerID, endianness: .little)
        }
        var body = message.body
        buffer.writeBuffer(&body)
        let payloadLength = buffer.writerIndex - start - frameSize
        let crc = buffer.withUnsafeReadableBytes { bytes in
            let offset = start - buffer.readerIndex + frameSize
            return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + payloadLength)]))
        }
        buffer.setInteger(UInt32(payloadLength), at: start, endianness: .little)
        buffer.setInteger(crc, at: start + 4, endianness: .little)
    }

    /// A parsed, checksum-verified record in mapped memory.
    struct View {
        let payload: UnsafeRawBufferPointer

        /// The record at `offset` if it is complete within `limit` and its checksum matches; its total size.
        static func validated(in bytes: UnsafeRawBufferPointer, at offset: Int) -> (view: View, size: Int)? {
            guard offset >= 0, offset + frameSize <= bytes.count else { return nil }
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
            guard length >= fixedPayloadSize, length <= bytes.count - offset - frameSize else { return nil }
            let crc = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian
            let payload = UnsafeRawBufferPointer(
                rebasing: bytes[(offset + frameSize)..<(offset + frameSize + length)]
            )
            guard CRC32C.checksum(payload) == crc else { return nil }
            let view = View(payload: payload)
            guard view.type == typeMessage,
                view.queueCount > 0,
                fixedPayloadSize + queueReferenceSize * view.queueCount <= length
            else { return nil }
            return (view, frameSize + length)
        }

        var type: UInt8 { payload[0] }
        var command: UInt8 { payload[1] }
        var queueCount: Int { Int(payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian) }
        var firstID: UInt64 { payload.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian }
        var timestamp: Int64 { payload.loadUnaligned(fromByteOffset: 16, as: Int64.self).littleEndian }
        var senderDeviceID: Int64 { payload.loadUnaligned(fromByteOffset: 24, as: Int64.self).littleEndian }
        var lastID: UInt64 { firstID + UInt64(queueCount) - 1 }

        func queue(_ index: Int) -> QueueID? {
            let offset = fixedPayloadSize + queueReferenceSize * index
            guard let kind = QueueID.Kind(rawValue: payload[offset]) else { return nil }
            return QueueID(
                kind: kind,
                appID: payload.loadUnaligned(fromByteOffset: offset + 1, as: Int64.self).littleEndian,
                ownerID: payload.loadUnaligned(fromByteOffset: offset + 9, as: Int64.self).littleEndian
            )
        }

        var body: UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(
                rebasing: payload[(fixedPayloadSize + queueReferenceSize * queueCount)...]
            )
        }

        func message(id: UInt64, allocator: ByteBufferAllocator) -> StoredMessage {
            let body = self.body
            var buffer = allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            return StoredMessage(
                id: id,
                command: command,
                body: buffer,
                senderDeviceID: senderDeviceID,
                timestamp: timestamp
            )
        }
    }
}
