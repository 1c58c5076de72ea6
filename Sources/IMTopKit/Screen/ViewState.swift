/// A key the dashboard reacts to.
package enum Key: Sendable, Equatable {
    case character(Character)
    case up, down, pageUp, pageDown, home, end
    /// The terminal changed size.
    case resize
}

/// What the operator chose to see: page, sort, pause, interval (or replay speed), scroll position.
/// Keys change it; the layout reads it.
package struct ViewState: Sendable, Equatable {
    package enum Page: Sendable, Equatable {
        case nodes, apps
    }

    /// What a key asks the shell to do besides redrawing.
    package enum Effect: Sendable, Equatable {
        case none, redraw, quit
        /// The refresh interval (live) or replay speed changed: the sampler must follow.
        case pacingChanged
    }

    /// The refresh intervals `+` and `-` step through, in seconds.
    package static let intervals: [Double] = [0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300]
    /// The replay speeds they step through.
    package static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128]
    /// How long a message stays in the footer, in seconds.
    package static let messageSeconds = 3.0

    package var page = Page.nodes
    package var showingHelp = false
    package var nodeSort = NodeSortColumn.node
    package var appSort = AppSortColumn.clients
    package var reversed = false
    package var paused = false
    /// The first table row shown.
    package var scroll = 0
    /// Live: seconds between polls. Replay: the speed factor.
    package var pacing: Double
    /// Whether this is a replay (`+`/`-` change the speed, pausing stops the replay).
    package var isReplay: Bool
    /// A note in the footer ("interval 5s") until `messageUntil`.
    package var message: String?
    package var messageUntil = 0.0

    package init(pacing: Double, isReplay: Bool = false, nodeSort: NodeSortColumn = .node) {
        self.pacing = pacing
        self.isReplay = isReplay
        self.nodeSort = nodeSort
    }

    /// Applies a key pressed at `now` (seconds).
    package mutating func handle(_ key: Key, now: Double) -> Effect {
        if key == .resize { return .redraw }
        if showingHelp {
            if key == .character("q") { return .quit }
            showingHelp = false
            return .redraw
        }
        switch key {
        case .character("q"), .character("Q"): return .quit
        case .character("h"), .character("?"):
            showingHelp = true
        case .character("p"), .character(" "):
            paused.toggle()
            note(paused ? "paused (p or space resumes)" : "resumed", now)
        case .character("s"):
            switch page {
            case .nodes: nodeSort = nodeSort.next
            case .apps: appSort = appSort.next
            }
            scroll = 0
        case .character("r"):
            reversed.toggle()
            scroll = 0
        case .character("a"):
            page = page == .nodes ? .apps : .nodes
            scroll = 0
        case .character("+"), .character("="):
            return step(up: true, now)
        case .character("-"), .character("_"):
            return step(up: false, now)
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll += 1
        case .pageUp: scroll = max(0, scroll - 10)
        case .pageDown: scroll += 10
        case .home: scroll = 0
        case .end: scroll = Int.max / 2
        default: return .none
        }
        return .redraw
    }

    /// The footer message at `now`, if one is showing.
    package func message(at now: Double) -> String? {
        now < messageUntil ? message : nil
    }

    private mutating func step(up: Bool, _ now: Double) -> Effect {
        let steps = isReplay ? Self.speeds : Self.intervals
        let next = up ? steps.first { $0 > pacing + 1e-9 } : steps.last { $0 < pacing - 1e-9 }
        guard let next else {
            note(isReplay ? "speed stays ×\(Self.plain(pacing))" : "interval stays \(Self.plain(pacing))s", now)
            return .redraw
        }
        pacing = next
        note(isReplay ? "speed ×\(Self.plain(next))" : "interval \(Self.plain(next))s", now)
        return .pacingChanged
    }

    private mutating func note(_ text: String, _ now: Double) {
        message = text
        messageUntil = now + Self.messageSeconds
    }

    /// 2, 0.5, 0.25 (no trailing ".0").
    package static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
