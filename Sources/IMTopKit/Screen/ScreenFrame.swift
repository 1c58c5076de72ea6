/// What the terminal draws: lines of styled text, already laid out for one terminal size.
///
/// The curses shell only maps each `Style` to attributes and colours; everything else (which columns fit,
/// units, threshold colours) is decided here, without a terminal, so tests can read a frame as text.
package struct ScreenFrame: Sendable, Equatable {
    /// How a span is drawn; the terminal maps it to colours (or to bold/reverse with `--no-color`).
    package enum Style: Sendable, Equatable, CaseIterable {
        case normal, bold, dim
        /// The title bar, a bad state shown in it (nodes down), and a note (paused, replay).
        case title, titleAlert, titleNote
        /// Labels in the header block.
        case label
        /// Table headings, and the heading of the sort column.
        case heading, headingSorted
        case good, warning, critical
        /// A DOWN node.
        case down
        /// A node that restarted recently.
        case restarted
        case footer
    }

    package struct Span: Sendable, Equatable {
        package var text: String
        package var style: Style

        package init(_ text: String, _ style: Style = .normal) {
            self.text = text
            self.style = style
        }
    }

    package struct Line: Sendable, Equatable {
        package var spans: [Span] = []

        package init(_ spans: [Span] = []) {
            self.spans = spans
        }

        /// The line's characters.
        package var text: String { spans.map(\.text).joined() }
        /// Its width in columns (every glyph imtop writes is one column wide).
        package var width: Int { spans.reduce(0) { $0 + $1.text.count } }

        package mutating func add(_ text: String, _ style: Style = .normal) {
            guard !text.isEmpty else { return }
            spans.append(Span(text, style))
        }

        /// Appends spans (a sparkline with its peak).
        package mutating func add(_ spans: [Span]) {
            for span in spans { add(span.text, span.style) }
        }

        /// `text` right-aligned in `width` columns (cut on the left if longer).
        package mutating func right(_ text: String, _ width: Int, _ style: Style = .normal) {
            add(String(repeating: " ", count: max(0, width - text.count)) + String(text.suffix(width)), style)
        }

        /// `text` left-aligned in `width` columns (cut if longer).
        package mutating func left(_ text: String, _ width: Int, _ style: Style = .normal) {
            add(String(text.prefix(width)) + String(repeating: " ", count: max(0, width - text.count)), style)
        }

        /// Cut to `width` columns, or padded to it in `padStyle` when given.
        package func fitted(to width: Int, padStyle: Style? = nil) -> Line {
            var result = Line()
            var remaining = width
            for span in spans where remaining > 0 {
                let text = String(span.text.prefix(remaining))
                result.add(text, span.style)
                remaining -= text.count
            }
            if let padStyle, remaining > 0 { result.add(String(repeating: " ", count: remaining), padStyle) }
            return result
        }
    }

    package var width: Int
    package var height: Int
    package var lines: [Line]
    /// The first table row shown: the view's scroll position kept within the rows there are (the shell
    /// stores it back, so scrolling up after End moves at once).
    package var scroll: Int

    package init(width: Int, height: Int, lines: [Line], scroll: Int = 0) {
        self.width = width
        self.height = height
        self.lines = lines
        self.scroll = scroll
    }

    /// The frame as plain text, one line per row (for tests and `--batch`'s siblings).
    package var text: String { lines.map(\.text).joined(separator: "\n") }
}
