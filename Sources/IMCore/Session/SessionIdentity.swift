/// Who an authenticated connection is: fixed at login.
package struct SessionIdentity: Sendable, Equatable {
    package var user: UserKey
    /// The numeric device id (0 for web clients and empty device strings).
    package var deviceID: Int64
    package var platform: IMAuthToken.Platform
    /// The protocol version of the login frame; every frame we send uses it.
    package var version: UInt8

    package init(user: UserKey, deviceID: Int64, platform: IMAuthToken.Platform, version: UInt8) {
        self.user = user
        self.deviceID = deviceID
        self.platform = platform
        self.version = version
    }

    package var appID: Int64 { user.appID }
    package var uid: Int64 { user.uid }
}
