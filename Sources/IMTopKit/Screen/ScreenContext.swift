/// What the layout needs to know besides the model and the view: the clock, the terminal's abilities,
/// where the samples come from.
package struct ScreenContext: Sendable {
    /// A replay's state, for the title bar.
    package struct Replay: Sendable, Equatable {
        /// The recording's file name.
        package var name: String
        /// Whether every recorded poll has been shown.
        package var finished: Bool

        package init(name: String, finished: Bool) {
            self.name = name
            self.finished = finished
        }
    }

    package var imtopVersion: String
    /// Now as the dashboard shows it: the wall clock when live, the latest poll's time in a replay.
    package var now: Double
    /// The wall clock, for how long footer messages stay.
    package var wallClock: Double
    /// Whether the terminal shows UTF-8 (sparkline blocks, µ, arrows); else ASCII.
    package var unicode: Bool
    package var replay: Replay?
    /// The `--record` file, if any.
    package var recording: String?

    package init(
        imtopVersion: String,
        now: Double,
        wallClock: Double? = nil,
        unicode: Bool,
        replay: Replay? = nil,
        recording: String? = nil
    ) {
        self.imtopVersion = imtopVersion
        self.now = now
        self.wallClock = wallClock ?? now
        self.unicode = unicode
        self.replay = replay
        self.recording = recording
    }
}
