import Foundation
import IMCore
import Testing

@Suite("imd process: TLS reload and push jobs across restarts")
struct DaemonTransportTests {
    @Test func sighupReloadsTheCertificateWithoutDroppingConnections() async throws {
        let certificates = try TestCertificates(name: "first")
        defer { certificates.remove() }
        let data = TemporaryDirectory()
        defer { data.remove() }
        let daemon = try await DaemonProcess(
            dataDirectory: data.path,
            arguments: [
                "--tls-listen", "127.0.0.1:0", "--wss-listen", "127.0.0.1:0",
                "--cert-file", certificates.files.certificateFile, "--key-file", certificates.files.keyFile,
            ]
        )
        let tlsPort = try #require(daemon.ports["tls"])
        let wssPort = try #require(daemon.ports["wss"])
        func client(_ uid: Int64, _ transport: IMClientTransport, port: Int) async throws -> IMClient {
            try await daemon.client(uid: uid, transport: transport, port: port)
        }
        let before = try await client(1, try certificates.tls(), port: tlsPort)
        #expect(try await before.tlsPeerCertificate?.commonName == "first")

        try certificates.renew(name: "second")
        daemon.send(SIGHUP)
        try await daemon.waitForLog("reloaded the TLS certificate")

        let after = try await client(2, try certificates.tls(), port: tlsPort)
        #expect(try await after.tlsPeerCertificate?.commonName == "second")
        let overWSS = try await client(3, try certificates.wss(), port: wssPort)
        #expect(try await overWSS.tlsPeerCertificate?.commonName == "second")
        // The connection from before is still up and served.
        #expect(try await before.send(peerMessage(1, 2, "across the reload")).status == .success)
        let pushed = try await after.next { $0.frame.command == .im }
        #expect(pushed.message.map { String(buffer: $0.content) } == "across the reload")

        // A broken file on the next SIGHUP is logged, and the certificate in use stays.
        try "garbage".write(toFile: certificates.files.keyFile, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        try await daemon.waitForLog("the TLS certificate was not reloaded")
        let third = try await client(4, try certificates.tls(), port: tlsPort)
        #expect(try await third.tlsPeerCertificate?.commonName == "second")
        #expect(await daemon.terminate() == 0)
    }

    @Test func pushJobsPendingAtShutdownAreSentOnceAfterTheRestart() async throws {
        try await withWebhook { recorder in
            recorder.setStatus(503)
            let data = TemporaryDirectory()
            defer { data.remove() }
            let arguments = ["--push-webhook", recorder.url]
            let first = try await DaemonProcess(dataDirectory: data.path, arguments: arguments)
            let sender = try await first.client(uid: 1)
            for receiver in Int64(2)...6 {
                #expect(try await sender.send(peerMessage(1, receiver, "pending \(receiver)")).status == .success)
            }
            try await eventually("the webhook refused a batch") { recorder.requests >= 1 }
            let (_, summary) = try await first.admin("GET", "/summary")
            let push = try #require(summary["push"] as? [String: Any])
            #expect(push["pending"] as? Int == 5)
            #expect(push["sent"] as? Int == 0)
            #expect(await first.terminate() == 0, "SIGTERM shuts down gracefully")
            #expect(recorder.jobs.isEmpty)

            recorder.setStatus(200)
            let second = try await DaemonProcess(dataDirectory: data.path, arguments: arguments)
            try await second.waitForLog("5 push jobs are pending from the last run")
            let jobs = try await recorder.waitForJobs(5)
            #expect(jobs.map(\.content) == (2...6).map { "pending \($0)" })
            #expect(Set(jobs.map(\.id)).count == 5)
            try await eventually("the restarted server counts them sent") {
                let (_, summary) = try await second.admin("GET", "/summary")
                let push = summary["push"] as? [String: Any]
                return push?["sent"] as? Int == 5 && push?["pending"] as? Int == 0
            }
            #expect(await second.terminate() == 0)

            // Nothing is left to send: a third start has no pending jobs, and nothing was posted twice.
            let third = try await DaemonProcess(dataDirectory: data.path, arguments: arguments)
            let (_, last) = try await third.admin("GET", "/summary")
            #expect((last["push"] as? [String: Any])?["pending"] as? Int == 0)
            #expect(await third.terminate() == 0)
            #expect(recorder.jobs.count == 5)
        }
    }
}
