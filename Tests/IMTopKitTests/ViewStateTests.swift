import IMTopKit
import Testing

@Suite("Keys")
struct ViewStateTests {
    @Test func keysChangeTheView() {
        var view = ViewState(pacing: 2)
        #expect(view.handle(.character("s"), now: 0) == .redraw)
        #expect(view.nodeSort == .connections)
        #expect(view.handle(.character("r"), now: 0) == .redraw)
        #expect(view.reversed)
        #expect(view.handle(.character("a"), now: 0) == .redraw)
        #expect(view.page == .apps)
        #expect(view.handle(.character("s"), now: 0) == .redraw)
        #expect(view.appSort == .users)
        #expect(view.handle(.character(" "), now: 0) == .redraw)
        #expect(view.paused)
        #expect(view.message(at: 1) == "paused (p or space resumes)")
        #expect(view.message(at: ViewState.messageSeconds) == nil)
        #expect(view.handle(.character("p"), now: 0) == .redraw)
        #expect(!view.paused)
        #expect(view.handle(.character("x"), now: 0) == .none)
        #expect(view.handle(.character("q"), now: 0) == .quit)
    }

    @Test func helpClosesOnAnyKeyButQQuits() {
        var view = ViewState(pacing: 2)
        _ = view.handle(.character("?"), now: 0)
        #expect(view.showingHelp)
        #expect(view.handle(.resize, now: 0) == .redraw)
        #expect(view.showingHelp, "a resize keeps the help page")
        #expect(view.handle(.character("s"), now: 0) == .redraw)
        #expect(!view.showingHelp)
        #expect(view.nodeSort == .node, "the key only closed the help")
        _ = view.handle(.character("h"), now: 0)
        #expect(view.handle(.character("q"), now: 0) == .quit)
    }

    @Test func plusAndMinusStepTheIntervalOrTheReplaySpeed() {
        var live = ViewState(pacing: 2)
        #expect(live.handle(.character("+"), now: 0) == .pacingChanged)
        #expect(live.pacing == 3)
        _ = live.handle(.character("-"), now: 0)
        _ = live.handle(.character("-"), now: 0)
        #expect(live.pacing == 1)
        #expect(live.message(at: 0) == "interval 1s")
        var fastest = ViewState(pacing: 0.25)
        #expect(fastest.handle(.character("-"), now: 0) == .redraw, "no step below the smallest")
        var replay = ViewState(pacing: 1, isReplay: true)
        _ = replay.handle(.character("+"), now: 0)
        #expect(replay.pacing == 2)
        #expect(replay.message(at: 0) == "speed ×2")
    }

    @Test func scrollingStopsAtTheTop() {
        var view = ViewState(pacing: 2)
        _ = view.handle(.up, now: 0)
        #expect(view.scroll == 0)
        _ = view.handle(.pageDown, now: 0)
        #expect(view.scroll == 10)
        _ = view.handle(.home, now: 0)
        #expect(view.scroll == 0)
    }
}
