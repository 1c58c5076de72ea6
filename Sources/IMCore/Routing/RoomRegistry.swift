import NIOCore
import Synchronization

/// A room within one app.
package struct RoomKey: Hashable, Sendable, CustomStringConvertible {
    package var appID: Int64
    package var roomID: Int64

    package init(appID: Int64, roomID: Int64) {
        self.appID = appID
        self.roomID = roomID
    }

    package var description: String { "room \(appID)/\(roomID)" }
}

/// A connection in a room.
package struct RoomMember: Sendable {
    package var uid: Int64
    package var session: SessionEntry

    package init(uid: Int64, session: SessionEntry) {
        self.uid = uid
        self.session = session
    }
}

/// Chat rooms (PROTOCOL.md §6.1): which connections are in which room. Not stored; a room exists while
/// a connection is in it.
///
/// A connection is in at most one room (its `SessionHandler` remembers which). Within a room only the
/// newest connection of a `(uid, device)` with a device id above 0 is kept, as GoBelieve does.
package final class RoomRegistry: Sendable {
    private struct DeviceKey: Hashable {
        var uid: Int64
        var deviceID: Int64
    }

    private struct Room {
        var members: [UInt64: RoomMember] = [:]
        /// The session of each `(uid, device > 0)` in the room.
        var devices: [DeviceKey: UInt64] = [:]
    }

    private let rooms = TracedMutex<[RoomKey: Room]>([:])

    package init() {}

    /// Adds the connection to `room`; returns the session it replaced (same uid and device > 0), if any.
    @discardableResult
    package func enter(_ room: RoomKey, _ member: RoomMember) -> UInt64? {
        rooms.withLock { rooms in
            var replaced: UInt64?
            if member.session.deviceID > 0 {
                let device = DeviceKey(uid: member.uid, deviceID: member.session.deviceID)
                replaced = rooms[room, default: Room()].devices.updateValue(member.session.id, forKey: device)
                if let replaced, replaced != member.session.id { rooms[room]?.members[replaced] = nil }
            }
            rooms[room, default: Room()].members[member.session.id] = member
            return replaced == member.session.id ? nil : replaced
        }
    }

    /// Removes the connection from `room` (no-op if it is not there).
    package func leave(_ room: RoomKey, sessionID: UInt64) {
        rooms.withLock { rooms in
            guard var state = rooms[room], let member = state.members.removeValue(forKey: sessionID) else { return }
            let device = DeviceKey(uid: member.uid, deviceID: member.session.deviceID)
            if state.devices[device] == sessionID { state.devices[device] = nil }
            rooms[room] = state.members.isEmpty ? nil : state
        }
    }

    /// The connections in `room` now.
    package func members(of room: RoomKey) -> [RoomMember] {
        rooms.withLock { Array($0[room]?.members.values ?? [:].values) }
    }

    /// Rooms with at least one connection in `appID`, the connections in them, and the rooms with at
    /// least `bigRoom` connections (GoBelieve's `room_stat`: 1000).
    package func counts(appID: Int64, bigRoom: Int = 1000) -> (rooms: Int, clients: Int, big: [Int64: Int]) {
        rooms.withLock { rooms in
            var count = 0
            var clients = 0
            var big: [Int64: Int] = [:]
            for (key, room) in rooms where key.appID == appID {
                count += 1
                clients += room.members.count
                if room.members.count >= bigRoom { big[key.roomID] = room.members.count }
            }
            return (count, clients, big)
        }
    }

    /// Rooms and connections in rooms per app, for every app with a room.
    package func countsByApp() -> [Int64: (rooms: Int, clients: Int)] {
        rooms.withLock { rooms in
            var apps: [Int64: (rooms: Int, clients: Int)] = [:]
            for (key, room) in rooms {
                apps[key.appID, default: (0, 0)].rooms += 1
                apps[key.appID, default: (0, 0)].clients += room.members.count
            }
            return apps
        }
    }

    /// Rooms and connections in rooms, over all apps.
    package func totals() -> (rooms: Int, clients: Int) {
        rooms.withLock { rooms in (rooms.count, rooms.values.reduce(0) { $0 + $1.members.count }) }
    }
}
