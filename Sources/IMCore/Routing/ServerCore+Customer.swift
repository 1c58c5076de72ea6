import NIOCore

extension ServerCore {
    /// Stores a customer-service message (`MSG_CUSTOMER_V2`, reference §6.2): a peer message across
    /// apps, one of which must be the configured `kefuAppID` (otherwise refused with status 68).
    ///
    /// Stored in the receiver's queue (in `receiverAppID`) and the sender's (in `senderAppID`) in one
    /// durable append; the receiver's sessions and the sender's other sessions get METADATA + the
    /// message (flags + PUSH) + SYNC_NOTIFY with their own queue's key. With `realtime: false` (admin
    /// posts) only the notify. The receipt's index 0 is the receiver's entry, 1 the sender's.
    package func sendCustomerMessage(
        _ message: IMCustomerMessage,
        flags: IMMessageFlags,
        from origin: MessageOrigin,
        realtime: Bool = true,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<AppendReceipt> {
        let kefu = configuration.kefuAppID
        guard kefu != 0, message.senderAppID == kefu || message.receiverAppID == kefu else {
            return eventLoop.makeFailedFuture(
                MessageRefusal(
                    .serverError,
                    "customer messages must come from or go to the customer-service app (kefu_appid \(kefu))"
                )
            )
        }
        var message = message
        let timestamp = now()
        message.timestamp = Int32(truncatingIfNeeded: timestamp)
        let body = message.body()
        let sender = UserKey(appID: message.senderAppID, uid: message.sender)
        let receiver = UserKey(appID: message.receiverAppID, uid: message.receiver)
        let stored = NewMessage(
            command: IMCommand.customerV2.rawValue,
            body: body,
            senderDeviceID: origin.deviceID,
            timestamp: timestamp
        )
        return store.append(
            stored,
            to: [.personal(appID: receiver.appID, uid: receiver.uid), .personal(appID: sender.appID, uid: sender.uid)],
            on: eventLoop
        ).map { receipt in
            let copy = OutboundFrame.raw(.customerV2, body, flags: flags.union(.push))
            let (receiverID, receiverPrevious) = receipt[0]
            let (senderID, senderPrevious) = receipt[1]
            self.registry.deliver(
                self.storedPush(copy, id: receiverID, previousID: receiverPrevious, realtime: realtime),
                to: receiver,
                except: receiver == sender ? origin.exclusion : nil
            )
            self.registry.deliver(
                self.storedPush(copy, id: senderID, previousID: senderPrevious, realtime: realtime),
                to: sender,
                except: origin.exclusion
            )
            return receipt
        }.flatMapErrorThrowing { error in
            self.counters.storeFailures.add()
            self.logger.error("could not store a customer message from \(sender) to \(receiver): \(error)")
            throw error
        }
    }
}
