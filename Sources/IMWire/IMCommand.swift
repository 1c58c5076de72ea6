/// A command number of the GoBelieve client protocol (frame header byte 8).
public struct IMCommand: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let authStatus = IMCommand(rawValue: 3)
    public static let im = IMCommand(rawValue: 4)
    public static let ack = IMCommand(rawValue: 5)
    public static let groupNotification = IMCommand(rawValue: 7)
    public static let groupIM = IMCommand(rawValue: 8)
    public static let ping = IMCommand(rawValue: 13)
    public static let pong = IMCommand(rawValue: 14)
    public static let authToken = IMCommand(rawValue: 15)
    public static let rt = IMCommand(rawValue: 17)
    public static let enterRoom = IMCommand(rawValue: 18)
    public static let leaveRoom = IMCommand(rawValue: 19)
    public static let roomIM = IMCommand(rawValue: 20)
    public static let system = IMCommand(rawValue: 21)
    public static let unreadCount = IMCommand(rawValue: 22)
    /// Deprecated; never accepted from clients.
    public static let customerService = IMCommand(rawValue: 23)
    /// Deprecated; accepted from clients and ignored.
    public static let customer = IMCommand(rawValue: 24)
    /// Deprecated; accepted from clients and ignored.
    public static let customerSupport = IMCommand(rawValue: 25)
    public static let sync = IMCommand(rawValue: 26)
    public static let syncBegin = IMCommand(rawValue: 27)
    public static let syncEnd = IMCommand(rawValue: 28)
    public static let syncNotify = IMCommand(rawValue: 29)
    public static let syncGroup = IMCommand(rawValue: 30)
    public static let syncGroupBegin = IMCommand(rawValue: 31)
    public static let syncGroupEnd = IMCommand(rawValue: 32)
    public static let syncGroupNotify = IMCommand(rawValue: 33)
    public static let syncKey = IMCommand(rawValue: 34)
    public static let groupSyncKey = IMCommand(rawValue: 35)
    public static let notification = IMCommand(rawValue: 36)
    public static let metadata = IMCommand(rawValue: 37)
    public static let customerV2 = IMCommand(rawValue: 64)

    /// The commands a client may send (PROTOCOL.md §1.4, "external set"); any other closes the connection.
    public static let clientCommands: Set<IMCommand> = [
        .im, .ack, .groupIM, .ping, .pong, .authToken, .rt, .enterRoom, .leaveRoom, .roomIM, .unreadCount,
        .customer, .customerSupport, .sync, .syncGroup, .syncKey, .groupSyncKey, .metadata, .customerV2,
    ]

    /// The commands a server sends to clients.
    public static let serverCommands: Set<IMCommand> = [
        .authStatus, .im, .ack, .groupNotification, .groupIM, .pong, .rt, .roomIM, .system, .syncBegin, .syncEnd,
        .syncNotify, .syncGroupBegin, .syncGroupEnd, .syncGroupNotify, .notification, .metadata, .customerV2,
    ]

    private static let names: [UInt8: String] = [
        3: "AUTH_STATUS", 4: "IM", 5: "ACK", 7: "GROUP_NOTIFICATION", 8: "GROUP_IM", 13: "PING", 14: "PONG",
        15: "AUTH_TOKEN", 17: "RT", 18: "ENTER_ROOM", 19: "LEAVE_ROOM", 20: "ROOM_IM", 21: "SYSTEM",
        22: "UNREAD_COUNT", 23: "CUSTOMER_SERVICE", 24: "CUSTOMER", 25: "CUSTOMER_SUPPORT", 26: "SYNC",
        27: "SYNC_BEGIN", 28: "SYNC_END", 29: "SYNC_NOTIFY", 30: "SYNC_GROUP", 31: "SYNC_GROUP_BEGIN",
        32: "SYNC_GROUP_END", 33: "SYNC_GROUP_NOTIFY", 34: "SYNC_KEY", 35: "GROUP_SYNC_KEY",
        36: "NOTIFICATION", 37: "METADATA", 64: "CUSTOMER_V2",
    ]

    public var description: String { "MSG_\(IMCommand.names[rawValue] ?? "\(rawValue)")" }
}
