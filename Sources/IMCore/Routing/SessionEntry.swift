import NIOCore

/// One logged-in connection of this server, as routing sees it: who it is and where to hand its copies.
package struct SessionEntry: Sendable {
    package let id: UInt64
    package let deviceID: Int64
    package let platform: IMAuthToken.Platform
    let handler: NIOLoopBound<SessionHandler>

    package var eventLoop: any EventLoop { handler.eventLoop }

    /// Closes the session on its event loop.
    func close(reason: String) {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.close(reason: reason) }
    }
}
