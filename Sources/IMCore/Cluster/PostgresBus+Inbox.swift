import Foundation

/// Receiving: a notification's items go to this node's sessions as if the message had been sent here.
extension PostgresBus {
    func received(_ payload: String) {
        guard let notification = BusNotification.decode(payload) else {
            logger.warning("a cluster notification this node cannot read was dropped (\(payload.prefix(80)))")
            return
        }
        figures.received.add(1, ordering: .relaxed)
        let lag = max(0, Date().timeIntervalSince1970 - notification.sent)
        figures.lagMicroseconds.store(Int(lag * 1e6), ordering: .relaxed)
        for item in notification.items { handle(item) }
    }

    private func handle(_ item: BusNotification.Item) {
        let exclusion = item.exclusion.flatMap { x -> SendingSession? in
            x.count == 3 ? SendingSession(user: UserKey(appID: x[0], uid: x[1]), deviceID: x[2], sessionID: nil) : nil
        }
        switch item.kind {
        case .delivery:
            let recipients = (item.recipients ?? []).compactMap { r -> Delivery.Recipient? in
                r.count == 3 ? Delivery.Recipient(UserKey(appID: r[0], uid: r[1]), entry: Int(r[2])) : nil
            }
            if let entries = item.entries {
                let queueEntries = entries.compactMap { e -> QueueEntry? in
                    guard e.count == 5, let kind = QueueID.Kind(rawValue: UInt8(clamping: e[0])) else { return nil }
                    return QueueEntry(
                        queue: QueueID(kind: kind, appID: e[1], ownerID: e[2]),
                        id: UInt64(clamping: e[3]),
                        previousID: UInt64(clamping: e[4])
                    )
                }
                let frame = item.frame.flatMap(BusFrame.decode)
                // Without the frame (too big to travel), the notify alone: the client syncs.
                let content = Delivery.Content.stored(
                    frame ?? .syncKey(.syncNotify, 0),
                    entries: queueEntries,
                    realtime: frame != nil && item.realtime == true
                )
                guard recipients.allSatisfy({ $0.entry < queueEntries.count }) else { return }
                noteHanded(queueEntries, to: recipients)
                local.deliver(Delivery(content, to: recipients, except: exclusion))
            } else if let frame = item.frame.flatMap(BusFrame.decode) {
                local.deliver(Delivery(.transient(frame), to: recipients, except: exclusion))
            }
        case .room:
            guard let target = item.target, target.count == 2, let frame = item.frame.flatMap(BusFrame.decode) else {
                return
            }
            local.relay(frame, toRoom: RoomKey(appID: target[0], roomID: target[1]), except: exclusion)
        case .kick:
            guard let target = item.target, target.count == 2 else { return }
            let user = UserKey(appID: target[0], uid: target[1])
            for session in local.sessions.sessions(of: user) where item.device == nil || session.deviceID == item.device
            {
                session.close(reason: item.reason ?? "kicked")
            }
        }
    }
}
