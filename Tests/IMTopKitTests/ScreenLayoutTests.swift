import Foundation
import IMTopKit
import Testing

@Suite("Screen layout")
struct ScreenLayoutTests {
    let servers = ["http://im-1:6666", "http://im-2:6666", "http://im-3:6666"]

    /// Three nodes sampled twice: im-1 busy with a slow fsync, im-2 quiet, im-3 down since the second poll.
    func model() -> DashboardModel {
        var model = DashboardModel(servers: servers)
        func node(_ name: String, _ scale: Double, fsyncMicros: Double, uptime: Double) -> NodeSummary {
            summary(
                node: name,
                uptime: uptime,
                [
                    .connections: 1200 * scale, .clients: 1100 * scale, .users: 600 * scale,
                    .inMessages: 90_000 * scale * uptime, .outMessages: 180_000 * scale * uptime,
                    .storeAppends: 90_000 * scale * uptime, .storeFsyncs: 200 * uptime,
                    .storeAverageFsyncMicroseconds: fsyncMicros, .rssBytes: 420 * 1_048_576, .cpuSeconds: uptime * 0.4,
                    .cpuCount: 2, .logins: 10 * uptime,
                ],
                apps: [
                    1: .init(clients: Int(1000 * scale), users: Int(500 * scale)),
                    2: .init(clients: Int(100 * scale), users: 10),
                ]
            )
        }
        model.ingest(
            poll(
                1000,
                [
                    (servers[0], node("im-1", 1, fsyncMicros: 30_000, uptime: 3600)),
                    (servers[1], node("im-2", 0.01, fsyncMicros: 100, uptime: 3600)),
                    (servers[2], node("im-3", 0.5, fsyncMicros: 100, uptime: 3600)),
                ]
            )
        )
        model.ingest(
            poll(
                1002,
                [
                    (servers[0], node("im-1", 1, fsyncMicros: 30_000, uptime: 3602)),
                    (servers[1], node("im-2", 0.01, fsyncMicros: 100, uptime: 3602)),
                    (servers[2], nil),
                ]
            )
        )
        return model
    }

    func render(width: Int, height: Int, view: ViewState = ViewState(pacing: 2), now: Double = 1014) -> ScreenFrame {
        ScreenLayout.render(
            model: model(),
            view: view,
            thresholds: Thresholds.defaults,
            context: ScreenContext(imtopVersion: "0.1.0", now: now, unicode: true),
            width: width,
            height: height
        )
    }

    @Test func at80x24EveryNodeShowsWithAlignedColumnsAndUnits() throws {
        let frame = render(width: 80, height: 24)
        #expect(frame.lines.count == 24)
        #expect(frame.lines.allSatisfy { $0.width <= 80 })
        let text = frame.text
        #expect(frame.lines[0].text.hasPrefix(" imtop 0.1.0 · 2/3 nodes up · every 2s · sort node ▼"))
        #expect(text.contains("In/s"))
        #expect(text.contains("Fsync"))
        let heading = try #require(frame.lines.first { $0.text.contains("NODE") && $0.text.contains("IN/S") }).text
        let row = try #require(frame.lines.first { $0.text.hasPrefix(" im-1 ") }).text
        // Right-aligned under its heading: the value ends where "IN/S" ends.
        let end = heading.range(of: "IN/S")!.upperBound
        let offset = heading.distance(from: heading.startIndex, to: end)
        let value = row.prefix(offset).split(separator: " ").last.map(String.init)
        #expect(value == "90.0k")
        #expect(row.contains("30.0ms"), "fsync in ms")
        let down = try #require(frame.lines.first { $0.text.hasPrefix(" im-3 ") }).text
        #expect(down.contains("DOWN"))
        #expect(down.contains("last seen 14s ago · connection refused · retrying every 2s"))
        #expect(text.contains(" TOTAL "))
        #expect(frame.lines[23].text.hasPrefix(" q quit  p pause  s sort"))
    }

    @Test func thresholdsColourTheFiguresPastThem() throws {
        let frame = render(width: 100, height: 30)
        let row = try #require(frame.lines.first { $0.text.hasPrefix(" im-1 ") })
        #expect(row.spans.contains { $0.text.trimmingCharacters(in: .whitespaces) == "30.0ms" && $0.style == .warning })
        let quiet = try #require(frame.lines.first { $0.text.hasPrefix(" im-2 ") })
        #expect(quiet.spans.contains { $0.text.trimmingCharacters(in: .whitespaces) == "100µs" && $0.style == .normal })
        let down = try #require(frame.lines.first { $0.text.hasPrefix(" im-3 ") })
        #expect(down.spans.contains { $0.text == "DOWN" && $0.style == .down })
        #expect(frame.lines[0].spans.contains { $0.text == "2/3 nodes up" && $0.style == .titleAlert })
    }

    @Test(arguments: [(60, 12), (80, 24), (132, 43), (200, 60)])
    func everySizeFromTheMinimumUpFitsAndShowsTheNodes(_ width: Int, _ height: Int) {
        let frame = render(width: width, height: height)
        #expect(frame.lines.count == height)
        #expect(frame.lines.allSatisfy { $0.width <= width })
        #expect(frame.text.contains(" im-1 "))
        #expect(!frame.text.contains("too small"))
    }

    @Test func theSortColumnAlwaysShowsAndTheHistoryFollowsIt() throws {
        var view = ViewState(pacing: 2)
        while view.nodeSort != .users { _ = view.handle(.character("s"), now: 0) }
        let frame = render(width: 80, height: 24, view: view)
        let heading = try #require(frame.lines.first { $0.text.hasPrefix(" NODE ") })
        #expect(heading.text.contains("USERS HISTORY"))
        #expect(
            heading.spans.contains {
                $0.text.trimmingCharacters(in: .whitespaces) == "USERS" && $0.style == .headingSorted
            }
        )
        #expect(frame.lines[0].text.contains("sort users ▼"))
        let rows = frame.lines.map(\.text).filter { $0.hasPrefix(" im-") }
        #expect(rows.map { $0.prefix(5) } == [" im-1", " im-2", " im-3"], "most users first, the DOWN node last")
    }

    @Test(arguments: [(59, 24), (80, 11), (10, 3), (0, 0)])
    func aTooSmallTerminalGetsAMessage(_ width: Int, _ height: Int) {
        let frame = render(width: width, height: height)
        #expect(frame.lines.count == height)
        #expect(frame.lines.allSatisfy { $0.width <= width })
        if width >= 30 && height >= 2 { #expect(frame.text.contains("terminal too small: \(width)x\(height)")) }
    }

    @Test func manyNodesScrollAndSayHowManyAreHidden() {
        let servers = (1...40).map { "http://n\($0):6666" }
        var model = DashboardModel(servers: servers)
        model.ingest(poll(0, servers.map { ($0, summary(node: ServerAddress.hostAndPort($0), [.connections: 1])) }))
        var view = ViewState(pacing: 2)
        _ = view.handle(.down, now: 0)
        let frame = ScreenLayout.render(
            model: model,
            view: view,
            thresholds: Thresholds(),
            context: ScreenContext(imtopVersion: "x", now: 0, unicode: false),
            width: 80,
            height: 24
        )
        #expect(frame.text.contains("1 above,"))
        #expect(frame.text.contains("up/down to scroll"))
        #expect(!frame.text.contains(" n1:6666 "), "scrolled past the first node")
        #expect(frame.scroll == 1)
        _ = view.handle(.end, now: 0)
        let end = ScreenLayout.render(
            model: model,
            view: view,
            thresholds: Thresholds(),
            context: ScreenContext(imtopVersion: "x", now: 0, unicode: false),
            width: 80,
            height: 24
        )
        #expect(end.text.contains(" n40:6666 "))
        #expect(end.scroll < 40, "End scrolls to the last rows, not past them")
    }

    @Test func theAppPageListsAppsByClients() throws {
        var view = ViewState(pacing: 2)
        _ = view.handle(.character("a"), now: 0)
        let frame = render(width: 80, height: 24, view: view)
        let heading = try #require(frame.lines.first { $0.text.contains("APP") })
        #expect(heading.text.contains("CLIENTS"))
        let rows = frame.lines.map(\.text).filter { $0.hasPrefix(" 1 ") || $0.hasPrefix(" 2 ") }
        #expect(rows.count == 2)
        #expect(rows.first?.hasPrefix(" 1 ") == true, "the app with more clients first")
        #expect(rows.first?.contains("1010") == true, "im-1's 1000 and im-2's 10")
    }

    @Test func theHelpPageListsKeysAndThresholds() {
        var view = ViewState(pacing: 2)
        _ = view.handle(.character("h"), now: 0)
        let text = render(width: 100, height: 40, view: view).text
        #expect(text.contains("freeze / unfreeze"))
        #expect(text.contains("fsync_ms"))
        #expect(text.contains("fsync_ms 20/100"))
    }

    @Test func asciiTerminalsGetNoBlockGlyphs() {
        let frame = ScreenLayout.render(
            model: model(),
            view: ViewState(pacing: 2),
            thresholds: Thresholds.defaults,
            context: ScreenContext(imtopVersion: "0.1.0", now: 1014, unicode: false),
            width: 120,
            height: 30
        )
        #expect(frame.text.unicodeScalars.allSatisfy { $0.isASCII })
    }
}
