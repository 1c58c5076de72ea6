import NIOCore

/// One logged-in connection of this server, as routing sees it: who it is and where to hand its copies.
package struct SessionEntry: Sendable {
    package let id: UInt64
    package let deviceID: Int64
    package let platform: IMAuthToken.Platform
    let handler: NIOLoopBound<SessionHandler>

    package var eventLoop: any EventLoop { handler.eventLoop }

    /// Hands `copy` to the session on its event loop (at once when called there).
    func deliver(_ copy: MessageCopy) {
        let handler = self.handler
        if handler.eventLoop.inEventLoop {
            handler.value.deliver(copy)
        } else {
            handler.eventLoop.execute { handler.value.deliver(copy) }
        }
    }

    /// Closes the session on its event loop.
    func close(reason: String) {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.close(reason: reason) }
    }

    /// Hands each copy to its session, one task per event loop (the current loop's sessions are served
    /// at once): a fan-out to thousands of sessions costs a task per loop, not per session.
    static func dispatch(_ copies: [(SessionEntry, MessageCopy)]) {
        guard copies.count > 1 else {
            if let (session, copy) = copies.first { session.deliver(copy) }
            return
        }
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, items: [(SessionEntry, MessageCopy)])] = [:]
        for (session, copy) in copies {
            let loop = session.handler.eventLoop
            byLoop[ObjectIdentifier(loop), default: (loop, [])].items.append((session, copy))
        }
        for (_, batch) in byLoop {
            if batch.loop.inEventLoop {
                for (session, copy) in batch.items { session.handler.value.deliver(copy) }
            } else {
                let items = batch.items
                batch.loop.execute {
                    for (session, copy) in items { session.handler.value.deliver(copy) }
                }
            }
        }
    }
}
