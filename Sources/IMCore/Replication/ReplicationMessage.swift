import NIOCore
import NIOPosix

/// The replication stream between a primary and a replica, one message per frame:
///
/// ```
/// frame    u32 length (of what follows, big-endian) | u8 type | payload
/// hello    1  replica → primary  u32 version | u64 position | u64 last id | u64 last record | u32 its crc
///                                | u16+bytes token | u16+bytes name
/// welcome  2  primary → replica  u32 segment size | u16+bytes name
/// data     3  primary → replica  u32 segment | u32 offset | u64 assigned id | u64 head | bytes (whole records)
/// head     4  primary → replica  u64 durable position | u64 durable id | u64 assigned id (when idle, each second)
/// ack      5  replica → primary  u64 position | u64 last id (durable on the replica)
/// refused  6  primary → replica  UTF-8 reason; the primary closes the connection
/// directory 7 primary → replica  u64 changes | u64 total | u64 offset | bytes (a part of a directory copy)
/// fence    8  promoted replica → its former primary  u16+bytes token | u16+bytes name | u64 first id;
///             answered with `refused` (`deposed: ...` once it took note) and closed
/// ```
/// Positions are a segment number and an offset (`LogPosition.packed`); `head` is the primary's durable end.
enum ReplicationMessage: Sendable, Equatable {
    /// `listen`: the replica's own replication address ("" without one), where its primary asks, when it
    /// starts again, whether the replica was promoted meanwhile (`probe`).
    case hello(version: UInt32, position: LogPosition, lastID: UInt64, tail: LogTail, token: String, name: String, listen: String)
    case welcome(segmentSize: UInt32, name: String)
    case data(ReplicationChunk, assignedID: UInt64, head: LogPosition)
    case head(durable: LogPosition, durableID: UInt64, assignedID: UInt64)
    case ack(MirrorProgress)
    case refused(String)
    /// A part of a copy of the primary's directory file (`DirectoryCopies`): `total` bytes in all, these
    /// from `offset`; `changes` names the copy.
    case directory(changes: Int64, total: UInt64, offset: UInt64, bytes: ByteBuffer)
    /// A promoted replica tells its former primary (`FormerPrimaryFence`).
    case fence(token: String, name: String, firstID: UInt64)
    /// A primary starting again asks a replica it had whether it was promoted; answered with `refused`:
    /// `promotedAnswer` and the promotion, or `notPromotedAnswer`.
    case probe(token: String, name: String)

    /// How a former primary answers a `fence` once it took note, and how a replica answers it.
    static let deposedAnswer = "deposed:"
    static let isReplicaAnswer = "this server is itself a replica"
    static let promotedAnswer = "promoted:"
    static let notPromotedAnswer = "not promoted"

    static let version: UInt32 = 1
    /// The largest frame either end reads: a chunk of records (about 1 MiB) and one record up to a segment.
    static let maxFrameSize = 1 << 30

    func encode(into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        switch self {
        case .hello(let version, let position, let lastID, let tail, let token, let name, let listen):
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(version)
            buffer.writeInteger(position.packed)
            buffer.writeInteger(lastID)
            buffer.writeInteger(tail.record.packed)
            buffer.writeInteger(tail.checksum)
            Self.writeString(token, into: &buffer)
            Self.writeString(name, into: &buffer)
            Self.writeString(listen, into: &buffer)
        case .welcome(let segmentSize, let name):
            buffer.writeInteger(UInt8(2))
            buffer.writeInteger(segmentSize)
            Self.writeString(name, into: &buffer)
        case .data(let chunk, let assignedID, let head):
            buffer.writeInteger(UInt8(3))
            buffer.writeInteger(chunk.segment)
            buffer.writeInteger(chunk.offset)
            buffer.writeInteger(assignedID)
            buffer.writeInteger(head.packed)
            buffer.writeImmutableBuffer(chunk.bytes)
        case .head(let durable, let durableID, let assignedID):
            buffer.writeInteger(UInt8(4))
            buffer.writeInteger(durable.packed)
            buffer.writeInteger(durableID)
            buffer.writeInteger(assignedID)
        case .ack(let progress):
            buffer.writeInteger(UInt8(5))
            buffer.writeInteger(progress.position.packed)
            buffer.writeInteger(progress.lastID)
        case .refused(let reason):
            buffer.writeInteger(UInt8(6))
            buffer.writeString(reason)
        case .directory(let changes, let total, let offset, let bytes):
            buffer.writeInteger(UInt8(7))
            buffer.writeMultipleIntegers(changes, total, offset)
            buffer.writeImmutableBuffer(bytes)
        case .fence(let token, let name, let firstID):
            buffer.writeInteger(UInt8(8))
            Self.writeString(token, into: &buffer)
            Self.writeString(name, into: &buffer)
            buffer.writeInteger(firstID)
        case .probe(let token, let name):
            buffer.writeInteger(UInt8(9))
            Self.writeString(token, into: &buffer)
            Self.writeString(name, into: &buffer)
        }
        buffer.setInteger(UInt32(buffer.writerIndex - start - 4), at: start)
    }

    /// Reads one message from a frame's contents (type and payload).
    init(frame: inout ByteBuffer) throws {
        guard let type = frame.readInteger(as: UInt8.self) else { throw ReplicationProtocolError("an empty frame") }
        switch type {
        case 1:
            self = try Self.readHello(&frame)
        case 2:
            guard let size = frame.readInteger(as: UInt32.self), let name = Self.readString(&frame) else {
                throw ReplicationProtocolError("a short welcome")
            }
            self = .welcome(segmentSize: size, name: name)
        case 3:
            guard let segment = frame.readInteger(as: UInt32.self), let offset = frame.readInteger(as: UInt32.self),
                let assignedID = frame.readInteger(as: UInt64.self), let head = frame.readInteger(as: UInt64.self),
                segment > 0, UInt64(offset) + UInt64(frame.readableBytes) <= UInt64(UInt32.max)
            else { throw ReplicationProtocolError("a short or impossible data frame") }
            let chunk = ReplicationChunk(segment: segment, offset: offset, bytes: frame.slice())
            frame.moveReaderIndex(to: frame.writerIndex)
            self = .data(chunk, assignedID: assignedID, head: LogPosition(packed: head))
        case 4:
            guard let durable = frame.readInteger(as: UInt64.self), let durableID = frame.readInteger(as: UInt64.self),
                let assignedID = frame.readInteger(as: UInt64.self)
            else { throw ReplicationProtocolError("a short head") }
            self = .head(durable: LogPosition(packed: durable), durableID: durableID, assignedID: assignedID)
        case 5:
            guard let position = frame.readInteger(as: UInt64.self), let lastID = frame.readInteger(as: UInt64.self) else {
                throw ReplicationProtocolError("a short ack")
            }
            self = .ack(MirrorProgress(position: LogPosition(packed: position), lastID: lastID))
        case 6:
            self = .refused(frame.readString(length: frame.readableBytes) ?? "")
        case 7:
            guard let (changes, total, offset) = frame.readMultipleIntegers(as: (Int64, UInt64, UInt64).self),
                offset + UInt64(frame.readableBytes) <= total
            else { throw ReplicationProtocolError("a short or impossible directory part") }
            self = .directory(changes: changes, total: total, offset: offset, bytes: frame.slice())
            frame.moveReaderIndex(to: frame.writerIndex)
        case 8:
            guard let token = Self.readString(&frame), let name = Self.readString(&frame),
                let firstID = frame.readInteger(as: UInt64.self)
            else { throw ReplicationProtocolError("a short fence") }
            self = .fence(token: token, name: name, firstID: firstID)
        case 9:
            guard let token = Self.readString(&frame), let name = Self.readString(&frame) else {
                throw ReplicationProtocolError("a short probe")
            }
            self = .probe(token: token, name: name)
        default:
            throw ReplicationProtocolError("unknown message type \(type)")
        }
    }

    /// A hello's payload (type 1).
    private static func readHello(_ frame: inout ByteBuffer) throws -> ReplicationMessage {
        guard let version = frame.readInteger(as: UInt32.self), let position = frame.readInteger(as: UInt64.self),
            let lastID = frame.readInteger(as: UInt64.self), let record = frame.readInteger(as: UInt64.self),
            let checksum = frame.readInteger(as: UInt32.self), let token = Self.readString(&frame),
            let name = Self.readString(&frame)
        else { throw ReplicationProtocolError("a short hello") }
        // A replica of the first release sends no address.
        let listen = frame.readableBytes > 0 ? Self.readString(&frame) ?? "" : ""
        return .hello(
            version: version,
            position: LogPosition(packed: position),
            lastID: lastID,
            tail: LogTail(record: LogPosition(packed: record), checksum: checksum),
            token: token,
            name: name,
            listen: listen
        )
    }

    private static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        let bytes = Array(string.utf8.prefix(Int(UInt16.max)))
        buffer.writeInteger(UInt16(bytes.count))
        buffer.writeBytes(bytes)
    }

    private static func readString(_ buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt16.self) else { return nil }
        return buffer.readString(length: Int(length))
    }
}

/// A replication peer sent something that is not the protocol: the connection is closed.
struct ReplicationProtocolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Frames in, messages out; messages in, frames out.
struct ReplicationMessageCoder: ByteToMessageDecoder, MessageToByteEncoder {
    typealias InboundOut = ReplicationMessage
    typealias OutboundIn = ReplicationMessage

    /// The largest frame accepted: a replica's connection before its hello is authenticated gets less.
    var maxFrameSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard Int(length) <= maxFrameSize else {
            throw ReplicationProtocolError("a frame of \(length) bytes (the limit is \(maxFrameSize))")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        var frame = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(wrapInboundOut(try ReplicationMessage(frame: &frame)))
        return .continue
    }

    func encode(data: ReplicationMessage, out: inout ByteBuffer) throws {
        data.encode(into: &out)
    }
}

extension ReplicationMessageCoder {
    /// A connection to a primary's `replication_listen` (the follower, a promoted replica's fence): messages
    /// both ways, frames of up to `maxFrameSize` read.
    static func connect(
        to address: IMServerConfiguration.Endpoint,
        group: any EventLoopGroup,
        timeout: TimeAmount,
        maxFrameSize: Int,
        tls: ReplicationTLS?
    ) async throws -> NIOAsyncChannel<ReplicationMessage, ReplicationMessage> {
        try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connect(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(try tls.clientHandler(host: address.host)) }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(ReplicationMessageCoder(maxFrameSize: maxFrameSize))
                    )
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(ReplicationMessageCoder(maxFrameSize: 0)))
                    return try NIOAsyncChannel<ReplicationMessage, ReplicationMessage>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One question to a replication listener (a promoted replica's notice to its former primary, a
    /// primary's probe of a replica it had): connects (2 s), sends `message` and returns the text of the
    /// `refused` it is answered with; 5 s in all.
    static func ask(
        _ message: ReplicationMessage,
        at address: IMServerConfiguration.Endpoint,
        group: any EventLoopGroup,
        tls: ReplicationTLS?
    ) async throws -> String {
        let channel = try await connect(to: address, group: group, timeout: .seconds(2), maxFrameSize: 64 << 10, tls: tls)
        let timeout = channel.channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.channel.close(promise: nil) }
        defer { timeout.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(message)
            var messages = inbound.makeAsyncIterator()
            guard case .refused(let answer)? = try await messages.next() else {
                throw ReplicationProtocolError("no answer from \(address)")
            }
            return answer
        }
    }
}
