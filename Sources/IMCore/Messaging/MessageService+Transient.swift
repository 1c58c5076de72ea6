import NIOCore

extension MessageService {
    /// A real-time message (`MSG_RT`): not stored, no ACK; to every session of the receiver except the
    /// sender's own device.
    package func sendRealtime(_ message: IMRealtimeMessage, from origin: MessageOrigin) {
        counters.inMessages.add()
        bus.deliver(
            Delivery(
                .transient(.raw(.rt, message.body())),
                to: [Delivery.Recipient(UserKey(appID: origin.user.appID, uid: message.receiver))],
                except: origin.session
            )
        )
    }

    /// A room message (`MSG_ROOM_IM`, PROTOCOL.md §6.1): relayed to every connection in the room except the
    /// sender's own device; not stored, no METADATA. The caller has checked that a client sender is in the
    /// room; `checkSpeaking` checks that it may speak.
    package func sendRoomMessage(_ message: IMRealtimeMessage, appID: Int64, from origin: MessageOrigin) {
        counters.inMessages.add()
        bus.relay(
            .raw(.roomIM, message.body()),
            toRoom: RoomKey(appID: appID, roomID: message.receiver),
            except: origin.session
        )
    }

    /// Whether `user` may speak in rooms: refused with 66 when speak-forbidden (GoBelieve drops it silently).
    package func checkSpeaking(_ user: UserKey, completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        directory.preferences(user) { found in
            completion(
                found.mapError { $0 as any Error }.flatMap { preferences in
                    preferences.forbidden ? .failure(MessageRefusal(.muted, "\(user) may not speak")) : .success(())
                }
            )
        }
    }

    /// A notification (`MSG_NOTIFICATION`, `/post_notification`): not stored; to every session of `user`.
    package func sendNotification(_ content: ByteBuffer, to user: UserKey) {
        bus.deliver(Delivery(.transient(.raw(.notification, content)), to: [Delivery.Recipient(user)]))
    }
}
