import NIOCore

/// Where a message came from: a client session, or the admin API (device 0, no session).
package struct MessageOrigin: Sendable {
    package var user: UserKey
    package var deviceID: Int64
    package var sessionID: UInt64?

    package init(user: UserKey, deviceID: Int64, sessionID: UInt64?) {
        self.user = user
        self.deviceID = deviceID
        self.sessionID = sessionID
    }

    /// A message the admin API posts on `user`'s behalf: no session sent it, so none of the user's
    /// sessions is skipped, and the client-side checks (friendship, mutes, word filter) do not apply.
    package static func admin(_ user: UserKey) -> MessageOrigin {
        MessageOrigin(user: user, deviceID: 0, sessionID: nil)
    }

    /// Whether the admin API sent it.
    package var isAdmin: Bool { sessionID == nil }

    /// The sender's sessions a copy must skip: the sending device (or, on device 0, the sending
    /// session); none for the admin API.
    var exclusion: SessionRegistry.Exclusion? {
        isAdmin ? nil : SessionRegistry.Exclusion(deviceID: deviceID, sessionID: sessionID)
    }
}

/// A message the server refuses before storing it; v2 clients get an ACK with `status`.
package struct MessageRefusal: Error, Sendable, CustomStringConvertible {
    package var status: IMMessageACK.Status
    package var reason: String

    package init(_ status: IMMessageACK.Status, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    package var description: String { "refused (\(status.rawValue)): \(reason)" }
}

extension ServerCore {
    /// Stores a peer message in the receiver's and the sender's queue in one durable append, then hands
    /// it to the offline push hook (`pushOffline`, for the receiver) and sends the copies (reference §3
    /// steps 7–9): to every session of the receiver, and to the sender's other
    /// sessions, `METADATA` + the message (flags + PUSH) + `MSG_SYNC_NOTIFY` with the key of that
    /// recipient's own queue. With `realtime: false` (admin-posted messages) only the notify is sent.
    ///
    /// The future succeeds with the receipt (index 0: receiver's queue, 1: sender's) once the message is
    /// durable and the copies are on their way; the caller then ACKs with the sender's pair.
    package func sendPeerMessage(
        _ message: IMMessage,
        flags: IMMessageFlags,
        from origin: MessageOrigin,
        realtime: Bool = true,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<AppendReceipt> {
        let promise = eventLoop.makePromise(of: AppendReceipt.self)
        sendPeerMessage(message, flags: flags, from: origin, realtime: realtime, on: eventLoop) {
            promise.completeWith($0)
        }
        return promise.futureResult
    }

    /// `sendPeerMessage(_:flags:from:realtime:on:)` for a session's hot path: `completion` runs on
    /// `eventLoop` once the message is durable and its copies are on their way, with no future chain in
    /// between (one hop from the store's writer to the loop, where the copies are sent from).
    func sendPeerMessage(
        _ message: IMMessage,
        flags: IMMessageFlags,
        from origin: MessageOrigin,
        realtime: Bool = true,
        on eventLoop: any EventLoop,
        completion: @escaping @Sendable (Result<AppendReceipt, any Error>) -> Void
    ) {
        var message = message
        let timestamp = now()
        message.timestamp = Int32(truncatingIfNeeded: timestamp)
        let receiver = UserKey(appID: origin.user.appID, uid: message.receiver)
        counters.inMessages.add()
        if !origin.isAdmin {
            if let refusal = relationshipRefusal(from: origin.user, to: message.receiver) {
                eventLoop.execute { completion(.failure(refusal)) }
                return
            }
            if flags.contains(.text), let filtered = words.filter(message.content) { message.content = filtered }
        }
        let stored = NewMessage(
            command: IMCommand.im.rawValue,
            body: message.body(version: 2),
            senderDeviceID: origin.deviceID,
            timestamp: timestamp
        )
        let queues: [QueueID] = [
            .personal(appID: receiver.appID, uid: receiver.uid),
            .personal(appID: origin.user.appID, uid: origin.user.uid),
        ]
        store.append(stored, to: queues) { [message] result in
            eventLoop.execute {
                switch result {
                case .success(let receipt):
                    let copy: OutboundFrame = .init(command: .im, flags: flags.union(.push), body: .message(message))
                    let (receiverID, receiverPrevious) = receipt[0]
                    let (senderID, senderPrevious) = receipt[1]
                    if self.push != nil {
                        self.pushOffline(
                            OfflinePushMessage(
                                kind: .peer,
                                appID: receiver.appID,
                                sender: origin.user.uid,
                                receivers: [receiver.uid],
                                content: message.content
                            )
                        )
                    }
                    self.registry.deliver(
                        self.storedPush(copy, id: receiverID, previousID: receiverPrevious, realtime: realtime),
                        to: receiver,
                        except: receiver == origin.user ? origin.exclusion : nil
                    )
                    self.registry.deliver(
                        self.storedPush(copy, id: senderID, previousID: senderPrevious, realtime: realtime),
                        to: origin.user,
                        except: origin.exclusion
                    )
                    completion(.success(receipt))
                case .failure(let error):
                    self.counters.storeFailures.add()
                    self.logger.error("could not store a peer message from \(origin.user) to \(receiver): \(error)")
                    completion(.failure(error))
                }
            }
        }
    }

    /// The friendship and blacklist checks (reference §3 step 2), when configured: nil if the message
    /// may go.
    func relationshipRefusal(from sender: UserKey, to receiver: Int64) -> MessageRefusal? {
        guard configuration.friendshipCheck || configuration.blacklistCheck else { return nil }
        let relationship = directory.relationship(appID: sender.appID, uid: sender.uid, other: receiver)
        if configuration.friendshipCheck {
            if !relationship.contains(.isMyFriend) {
                return MessageRefusal(.notMyFriend, "\(receiver) is not a friend of \(sender)")
            }
            if !relationship.contains(.isYourFriend) {
                return MessageRefusal(.notYourFriend, "\(sender.uid) is not a friend of \(receiver)")
            }
        }
        if configuration.blacklistCheck && relationship.contains(.inYourBlacklist) {
            return MessageRefusal(.inYourBlacklist, "\(receiver) blacklisted \(sender.uid)")
        }
        return nil
    }

    /// Sends a real-time message (`MSG_RT`): not stored, no ACK; to every session of the receiver except
    /// the sender's own device. Returns how many sessions it went to.
    @discardableResult
    package func sendRealtimeMessage(_ message: IMRealtimeMessage, from origin: MessageOrigin) -> Int {
        counters.inMessages.add()
        let receiver = UserKey(appID: origin.user.appID, uid: message.receiver)
        return registry.deliver(
            Push([.raw(.rt, message.body())]),
            to: receiver,
            except: receiver == origin.user ? origin.exclusion : nil
        )
    }

    /// A stored message's real-time copy: METADATA + message + SYNC_NOTIFY, or just the notify.
    func storedPush(_ frame: OutboundFrame, id: UInt64, previousID: UInt64, realtime: Bool) -> Push {
        let notify = OutboundFrame.syncKey(.syncNotify, id)
        guard realtime else { return Push([notify]) }
        return Push([.metadata(id: id, previousID: previousID), frame, notify])
    }
}

extension ServerCore {
    /// Stores a system message (`MSG_SYSTEM`, admin API) once for all `receivers`' queues in one durable
    /// append, hands it to the offline push hook, and notifies their sessions with `MSG_SYNC_NOTIFY`
    /// (clients fetch it by sync, reference §6.3).
    package func sendSystemMessage(_ content: ByteBuffer, appID: Int64, to receivers: [Int64]) async throws {
        var seen = Set<Int64>()
        let unique = receivers.filter { seen.insert($0).inserted }
        let stored = NewMessage(
            command: IMCommand.system.rawValue,
            body: content,
            senderDeviceID: 0,
            timestamp: now()
        )
        let receipt = try await store.append(stored, to: unique.map { .personal(appID: appID, uid: $0) })
        pushOffline(OfflinePushMessage(kind: .system, appID: appID, sender: 0, receivers: unique, content: content))
        for (index, uid) in unique.enumerated() {
            registry.deliver(Push([.syncKey(.syncNotify, receipt[index].id)]), to: UserKey(appID: appID, uid: uid))
        }
    }

    /// An event loop for futures made outside any session (admin requests).
    package var adminEventLoop: any EventLoop { eventLoopGroup.next() }
}
