import NIOCore
import Testing

@testable import IMCore

@Suite("Session state machine")
struct SessionStateMachineTests {
    static let identity = SessionIdentity(user: UserKey(appID: 7, uid: 1), deviceID: 3, platform: .ios, version: 2)
    static let token = IMAuthToken(platform: .ios, token: "t", deviceID: "d")

    static func loggedIn(version: UInt8 = 2) -> SessionStateMachine {
        var machine = SessionStateMachine()
        _ = machine.received(.authenticate(token), seq: 1, version: version, flags: [])
        var identity = identity
        identity.version = version
        machine.authenticated(identity)
        return machine
    }

    @Test func beforeLoginOnlyPingAndLoginAreServed() {
        var machine = SessionStateMachine()
        #expect(machine.received(.ping, seq: 1, version: 2, flags: []) == .reply(.pong))
        let im = IMMessage(sender: 1, receiver: 2, msgID: 1, content: ByteBuffer(string: "x"))
        let ignored: [IMClientRequest] = [
            .peerMessage(im), .sync(key: 0), .syncKey(5),
            .realtime(.init(sender: 0, receiver: 2, content: ByteBuffer())),
            .unreadCount(3), .enterRoom(roomID: 1),
        ]
        for request in ignored {
            #expect(machine.received(request, seq: 2, version: 2, flags: []) == .ignore, "\(request)")
        }
        #expect(machine.version == 0)
    }

    @Test func loginTakesTheFramesVersionOnlyOnSuccess() {
        var machine = SessionStateMachine()
        #expect(machine.received(.authenticate(Self.token), seq: 1, version: 1, flags: []) == .authenticate(Self.token))
        // A second login while the first is checked is ignored.
        #expect(machine.received(.authenticate(Self.token), seq: 2, version: 2, flags: []) == .ignore)
        #expect(machine.loginVersion == 1)
        machine.authenticationFailed()
        #expect(machine.version == 0)
        #expect(machine.state == .unauthenticated)
        _ = machine.received(.authenticate(Self.token), seq: 3, version: 1, flags: [])
        var identity = Self.identity
        identity.version = 1
        machine.authenticated(identity)
        #expect(machine.version == 1)
        // Logged in: further logins are ignored.
        #expect(machine.received(.authenticate(Self.token), seq: 4, version: 2, flags: []) == .ignore)
    }

    @Test(arguments: [UInt8(0), 1, 2])
    func aForgedSenderIsRefusedWithStatus68OnlyForV2(version: UInt8) {
        var machine = Self.loggedIn(version: version)
        let forged = IMMessage(sender: 99, receiver: 2, msgID: 1, content: ByteBuffer(string: "x"))
        let action = machine.received(.peerMessage(forged), seq: 8, version: version, flags: [])
        #expect(action == (version >= 2 ? .reply(.refusal(seq: 8, status: .serverError)) : .ignore))
        let forgedRT = IMRealtimeMessage(sender: 99, receiver: 2, content: ByteBuffer())
        #expect(machine.received(.realtime(forgedRT), seq: 9, version: version, flags: []) == .ignore)
    }

    @Test func loggedInRequestsAreServedWithTheIdentity() {
        var machine = Self.loggedIn()
        let im = IMMessage(sender: 1, receiver: 2, msgID: 1, content: ByteBuffer(string: "x"))
        let identity = machine.identity!
        #expect(
            machine.received(.peerMessage(im), seq: 5, version: 2, flags: .text)
                == .serve(.peerMessage(im, seq: 5, flags: .text), identity)
        )
        #expect(machine.received(.sync(key: 0), seq: 6, version: 2, flags: []) == .serve(.sync(key: 0), identity))
        #expect(machine.received(.syncKey(0), seq: 7, version: 2, flags: []) == .ignore)
        #expect(machine.received(.syncKey(12), seq: 7, version: 2, flags: []) == .serve(.syncKey(12), identity))
        #expect(machine.received(.enterRoom(roomID: 0), seq: 8, version: 2, flags: []) == .ignore)
        for request: IMClientRequest in [.pong, .ack(.init(seq: 1)), .deprecated(.customer)] {
            #expect(machine.received(request, seq: 9, version: 2, flags: []) == .ignore)
        }
        #expect(machine.received(.ping, seq: 10, version: 2, flags: []) == .reply(.pong))
    }
}
