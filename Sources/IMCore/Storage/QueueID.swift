/// One message queue: a user's personal queue or a super group's queue, within one app.
///
/// Personal queues hold everything a user receives (peer, normal-group, system and customer messages,
/// and copies of what the user sent); group queues hold a super group's messages once for all members
/// (read diffusion).
package struct QueueID: Hashable, Sendable, CustomStringConvertible {
    /// What kind of owner the queue belongs to.
    package enum Kind: UInt8, Sendable {
        /// A user's queue, owned by `(appid, uid)`.
        case personal = 0
        /// A super group's queue, owned by `(appid, gid)`.
        case group = 1
    }

    package var kind: Kind
    package var appID: Int64
    /// The uid for a personal queue, the gid for a group queue.
    package var ownerID: Int64

    package init(kind: Kind, appID: Int64, ownerID: Int64) {
        self.kind = kind
        self.appID = appID
        self.ownerID = ownerID
    }

    /// A user's personal queue.
    package static func personal(appID: Int64, uid: Int64) -> QueueID {
        QueueID(kind: .personal, appID: appID, ownerID: uid)
    }

    /// A super group's queue.
    package static func group(appID: Int64, gid: Int64) -> QueueID {
        QueueID(kind: .group, appID: appID, ownerID: gid)
    }

    package var description: String {
        "\(kind == .personal ? "user" : "group")(\(appID)/\(ownerID))"
    }
}
