import NIOCore

/// What a client's frame asks for, decoded per the frame's own header version (PROTOCOL.md §1.2).
public enum IMClientRequest: Sendable, Equatable {
    case authenticate(IMAuthToken)
    case peerMessage(IMMessage)
    case groupMessage(IMMessage)
    case ack(IMMessageACK)
    case ping
    case pong
    case realtime(IMRealtimeMessage)
    case enterRoom(roomID: Int64)
    case leaveRoom(roomID: Int64)
    case roomMessage(IMRealtimeMessage)
    case unreadCount(Int32)
    /// `MSG_CUSTOMER` / `MSG_CUSTOMER_SUPPORT`: deprecated, accepted and ignored.
    case deprecated(IMCommand)
    case sync(key: Int64)
    case syncGroup(groupID: Int64, key: Int64)
    case syncKey(Int64)
    case groupSyncKey(groupID: Int64, key: Int64)
    /// Accepted and ignored (PROTOCOL.md §6.6).
    case metadata(IMMetadata)
    case customerMessage(IMCustomerMessage)

    /// Decodes a client frame. Throws for a command outside the client set or a body that does not decode;
    /// either closes the connection.
    public init(frame: IMFrame) throws(IMWireError) {
        let body = frame.body
        switch frame.command {
        case .authToken: self = .authenticate(try IMAuthToken(body: body))
        case .im: self = .peerMessage(try IMMessage(body: body, version: frame.version))
        case .groupIM: self = .groupMessage(try IMMessage(body: body, version: frame.version, command: .groupIM))
        case .ack: self = .ack(IMMessageACK(body: body, version: frame.version))
        case .ping, .pong:
            guard body.readableBytes == 0 else {
                throw IMWireError(
                    .malformedBody,
                    command: frame.command,
                    "must have an empty body, got \(body.readableBytes) bytes"
                )
            }
            self = frame.command == .ping ? .ping : .pong
        case .rt: self = .realtime(try IMRealtimeMessage(body: body, command: .rt))
        case .roomIM: self = .roomMessage(try IMRealtimeMessage(body: body, command: .roomIM))
        case .enterRoom: self = .enterRoom(roomID: try IMScalarBody.readInt64(body, .enterRoom))
        case .leaveRoom: self = .leaveRoom(roomID: try IMScalarBody.readInt64(body, .leaveRoom))
        case .unreadCount: self = .unreadCount(try IMScalarBody.readInt32(body, .unreadCount))
        case .customer, .customerSupport: self = .deprecated(frame.command)
        case .sync: self = .sync(key: try IMScalarBody.readInt64(body, .sync))
        case .syncKey: self = .syncKey(try IMScalarBody.readInt64(body, .syncKey))
        case .syncGroup:
            let (group, key) = try IMScalarBody.readPair(body, .syncGroup)
            self = .syncGroup(groupID: group, key: key)
        case .groupSyncKey:
            let (group, key) = try IMScalarBody.readPair(body, .groupSyncKey)
            self = .groupSyncKey(groupID: group, key: key)
        case .metadata: self = .metadata(try IMMetadata(body: body))
        case .customerV2: self = .customerMessage(try IMCustomerMessage(body: body))
        default:
            throw IMWireError(.unexpectedCommand, command: frame.command, "not a client command")
        }
    }
}
