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
