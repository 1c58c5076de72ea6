import CNCurses
import Foundation
import IMTopKit

/// The terminal through ncursesw: the only file that talks curses. It draws `ScreenFrame`s and reads keys;
/// what to draw is decided in IMTopKit.
///
/// Not thread-safe (curses is not): create, use and close it on one thread.
final class Terminal {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// Whether the locale is UTF-8 (and `--ascii` was not given).
    let unicode: Bool
    private let attributes: [ScreenFrame.Style: Int32]
    private var closed = false

    /// Puts the terminal in curses mode: alternate screen, no echo, keys one at a time, no cursor.
    ///
    /// - Throws: `IMTopError` when stdin/stdout is not a terminal curses can drive (`TERM` unknown).
    init(color: Bool, ascii: Bool) throws(IMTopError) {
        setlocale(LC_ALL, "")
        unicode = !ascii && cncurses_locale_is_utf8() != 0
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw IMTopError.runtime("the dashboard needs a terminal on stdin and stdout (use --batch or --json)")
        }
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
            let screen = newterm(nil, output, input)
        else {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? "(unset)"
            throw IMTopError.runtime("cannot use the terminal TERM=\(term) (no terminfo entry?)")
        }
        self.screen = screen
        set_term(screen)
        window = cncurses_stdscr()
        Self.installCrashHandlers()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        let colors = color && has_colors()
        if colors {
            start_color()
            use_default_colors()
        }
        attributes = Self.attributes(colors: colors)
    }

    deinit { close() }

    /// Leaves curses mode: the operator's screen and terminal modes come back.
    func close() {
        guard !closed else { return }
        closed = true
        endwin()
        delscreen(screen)
    }

    var width: Int { Int(getmaxx(window)) }
    var height: Int { Int(getmaxy(window)) }

    /// Waits up to `milliseconds` for a key; nil when none came (or one imtop does not use).
    func readKey(milliseconds: Int32) -> Key? {
        wtimeout(window, milliseconds)
        let code = wgetch(window)
        switch code {
        case ERR: return nil
        case KEY_RESIZE: return .resize
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case 0x20...0x7E: return .character(Character(UnicodeScalar(UInt8(code))))
        default: return nil
        }
    }

    /// Draws `frame` (lines past the terminal's size are cut by curses' own bounds).
    func draw(_ frame: ScreenFrame) {
        werase(window)
        for (row, line) in frame.lines.enumerated() where row < height {
            wmove(window, Int32(row), 0)
            for span in line.spans {
                let attribute = attributes[span.style] ?? 0
                wattron(window, attribute)
                waddstr(window, span.text)
                wattroff(window, attribute)
            }
        }
        wrefresh(window)
    }

    /// A crash (a Swift trap is SIGILL or SIGTRAP; also SIGSEGV, SIGBUS, SIGFPE, SIGABRT) must not leave the
    /// operator's terminal in curses mode: the handler restores it, puts back the handler it replaced (the
    /// Swift runtime's backtracer, or the default) and hands the signal on to it.
    private static func installCrashHandlers() {
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in restoreTerminalAndCrash(signal) }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, replacedCrashActions + Int(signal))
        }
    }

    /// Colour pairs (or, without colours, bold/reverse/underline) per style.
    private static func attributes(colors: Bool) -> [ScreenFrame.Style: Int32] {
        let bold = cncurses_attr_bold()
        let dim = cncurses_attr_dim()
        let reverse = cncurses_attr_reverse()
        let underline = cncurses_attr_underline()
        guard colors else {
            return [
                .normal: 0, .bold: bold, .dim: dim, .title: reverse, .titleAlert: reverse | bold | underline,
                .titleNote: reverse | bold, .label: 0, .heading: reverse, .headingSorted: reverse | bold | underline,
                .good: 0, .warning: bold, .critical: bold | underline, .down: reverse | bold, .restarted: bold,
                .footer: reverse,
            ]
        }
        let pairs: [(ScreenFrame.Style, Int16, Int16, Int32)] = [
            (.title, Int16(COLOR_BLACK), Int16(COLOR_CYAN), 0),
            (.titleAlert, Int16(COLOR_WHITE), Int16(COLOR_RED), bold),
            (.titleNote, Int16(COLOR_BLACK), Int16(COLOR_YELLOW), bold),
            (.label, Int16(COLOR_CYAN), -1, 0),
            (.heading, Int16(COLOR_BLACK), Int16(COLOR_GREEN), 0),
            (.headingSorted, Int16(COLOR_BLACK), Int16(COLOR_CYAN), bold),
            (.good, Int16(COLOR_GREEN), -1, 0),
            (.warning, Int16(COLOR_YELLOW), -1, bold),
            (.critical, Int16(COLOR_RED), -1, bold),
            (.down, Int16(COLOR_WHITE), Int16(COLOR_RED), bold),
            (.restarted, Int16(COLOR_MAGENTA), -1, bold),
            (.footer, Int16(COLOR_BLACK), Int16(COLOR_CYAN), 0),
        ]
        var attributes: [ScreenFrame.Style: Int32] = [.normal: 0, .bold: bold, .dim: dim]
        for (index, (style, foreground, background, extra)) in pairs.enumerated() {
            let pair = Int16(index + 1)
            init_pair(pair, foreground, background)
            attributes[style] = cncurses_color_pair(pair) | extra
        }
        return attributes
    }
}

/// The actions the crash handlers replaced, by signal number: written before they are installed, then only
/// read, by them.
nonisolated(unsafe) private let replacedCrashActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

private func restoreTerminalAndCrash(_ signal: Int32) {
    endwin()
    sigaction(signal, replacedCrashActions + Int(signal), nil)
    // Pending until this handler returns, then delivered to the previous handler in the faulting context
    // (and a signal sent with kill, which would not fault again, still ends the process).
    raise(signal)
}
