import Foundation
import IMTopKit
import UnixSignals

/// The dashboard on the terminal: a task samples (or replays) into a `ScreenFeed`, a thread of its own runs
/// curses (keys, drawing), signals stop it. The terminal is restored on every way out.
struct ScreenSession {
    let configuration: IMTopConfiguration

    /// Runs until `q` or a signal; returns the exit code (0 for q, 128+N for signal N).
    func run() async throws(IMTopError) -> Int32 {
        var reader: RecordReader?
        if let replay = configuration.replay { reader = try RecordReader(path: replay) }
        let servers = reader?.servers ?? configuration.servers
        let recorder = try configuration.record.map { path throws(IMTopError) in
            try RecordWriter(
                path: path,
                servers: servers,
                interval: configuration.interval,
                imtopVersion: BuildInfo.version,
                now: Date().timeIntervalSince1970
            )
        }
        defer { recorder?.close() }
        let feed = ScreenFeed(pacing: reader == nil ? configuration.interval : configuration.speed)
        // Trap the signals before curses starts, so ncurses leaves them to us.
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm, .sighup)
        let signalTask = Task {
            for await signal in signals {
                feed.stop(.signal(signal.rawValue))
                return
            }
        }
        let sampler = Task { [reader] in
            if let reader {
                await feed.replay(reader)
            } else {
                let fetcher = SummaryFetcher(token: configuration.token, timeout: .seconds(configuration.timeout))
                let poller = ClusterPoller(servers: servers, fetcher: fetcher, discover: configuration.discover)
                await feed.sampleLive(poller, recorder: recorder)
            }
        }
        let loop = ScreenLoop(configuration: configuration, servers: servers, feed: feed)
        let outcome: Result<Int32, IMTopError> = await withCheckedContinuation { continuation in
            // Curses blocks in wgetch: it gets a thread of its own, off the concurrency pool.
            let thread = Thread {
                do throws(IMTopError) {
                    continuation.resume(returning: .success(try loop.run()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "imtop-screen"
            thread.start()
        }
        sampler.cancel()
        signalTask.cancel()
        _ = await sampler.result
        return try outcome.get()
    }
}

/// The screen thread's loop: take polls, read keys, draw.
struct ScreenLoop: Sendable {
    let configuration: IMTopConfiguration
    let servers: [String]
    let feed: ScreenFeed

    func run() throws(IMTopError) -> Int32 {
        let terminal = try Terminal(color: configuration.color, ascii: configuration.ascii)
        defer { terminal.close() }
        let replay = configuration.replay.map {
            ScreenContext.Replay(name: ($0 as NSString).lastPathComponent, finished: false)
        }
        var model = DashboardModel(servers: servers)
        var frozen: DashboardModel?
        var view = ViewState(
            pacing: replay == nil ? configuration.interval : configuration.speed,
            isReplay: replay != nil,
            nodeSort: configuration.sort
        )
        view.reversed = configuration.reversed
        if configuration.apps { view.page = .apps }
        var dirty = true
        var lastDraw = 0.0
        while true {
            switch feed.stopReason {
            case .signal(let number): return 128 + number
            case .failed(let message): throw IMTopError.runtime(message)
            case nil: break
            }
            let polls = feed.take()
            for poll in polls { model.ingest(poll) }
            if !polls.isEmpty { dirty = true }
            let key = terminal.readKey(milliseconds: 100)
            let now = Date().timeIntervalSince1970
            if let key {
                let wasPaused = view.paused
                switch view.handle(key, now: now) {
                case .quit: return 0
                case .pacingChanged: feed.pacing = view.pacing
                case .redraw, .none: break
                }
                if view.paused != wasPaused {
                    feed.paused = view.paused
                    // Live, pausing freezes the screen while sampling goes on; a replay simply stops.
                    frozen = view.paused && replay == nil ? model : nil
                }
                dirty = true
            }
            // Once a second: the clock, "last seen" ages and footer messages move on.
            if now - lastDraw >= 1 { dirty = true }
            guard dirty else { continue }
            let shown = frozen ?? model
            var context = ScreenContext(
                imtopVersion: BuildInfo.version,
                now: replay == nil ? now : (shown.time ?? now),
                wallClock: now,
                unicode: terminal.unicode,
                recording: configuration.record
            )
            if var replay {
                replay.finished = feed.finished
                context.replay = replay
            }
            let frame = ScreenLayout.render(
                model: shown,
                view: view,
                thresholds: configuration.thresholds,
                context: context,
                width: terminal.width,
                height: terminal.height
            )
            terminal.draw(frame)
            view.scroll = frame.scroll
            lastDraw = now
            dirty = false
        }
    }
}
