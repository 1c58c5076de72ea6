import NIOCore

/// The body of `MSG_AUTH_TOKEN`: `platform u8 | token_len u8 | token | device_len u8 | device_id`.
public struct IMAuthToken: Sendable, Equatable {
    /// Platforms as the SDKs send them; others are allowed and count as non-mobile.
    public struct Platform: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let ios = Platform(rawValue: 1)
        public static let android = Platform(rawValue: 2)
        public static let web = Platform(rawValue: 3)

        /// iOS and Android: such a session always counts as online for offline push.
        public var isMobile: Bool { self == .ios || self == .android }
    }

    public var platform: Platform
    public var token: String
    public var deviceID: String

    public init(platform: Platform, token: String, deviceID: String) {
        self.platform = platform
        self.token = token
        self.deviceID = deviceID
    }

    /// Decodes as GoBelieve does: the body must be longer than 3 bytes and every length byte must fit.
    public init(body: ByteBuffer) throws(IMWireError) {
        var body = body
        guard body.readableBytes > 3 else {
            throw IMWireError(.malformedBody, command: .authToken, "needs more than 3 bytes, got \(body.readableBytes)")
        }
        let platform = body.readInteger(as: UInt8.self)!
        guard let tokenLength = body.readInteger(as: UInt8.self), let token = body.readString(length: Int(tokenLength))
        else { throw IMWireError(.malformedBody, command: .authToken, "the token length passes the body's end") }
        guard let deviceLength = body.readInteger(as: UInt8.self),
            let device = body.readString(length: Int(deviceLength))
        else { throw IMWireError(.malformedBody, command: .authToken, "the device id length passes the body's end") }
        self.init(platform: Platform(rawValue: platform), token: token, deviceID: device)
    }

    /// The body; token and device id are cut to 255 bytes (their length fields are one byte).
    public func body() -> ByteBuffer {
        var buffer = ByteBuffer()
        let token = Array(self.token.utf8.prefix(255))
        let device = Array(deviceID.utf8.prefix(255))
        buffer.writeInteger(platform.rawValue)
        buffer.writeInteger(UInt8(token.count))
        buffer.writeBytes(token)
        buffer.writeInteger(UInt8(device.count))
        buffer.writeBytes(device)
        return buffer
    }
}

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
        buffer.writeMultipleIntegers(syncKey, previousSyncKey, Int64(0), Int64(0))
        return buffer
    }
}

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
