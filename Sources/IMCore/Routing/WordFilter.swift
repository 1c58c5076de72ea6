import Foundation

/// The sensitive-word filter (PROTOCOL.md §1.3 TEXT flag): an Aho-Corasick automaton over Unicode scalars,
/// so checking a text costs time linear in the text, whatever the number of words.
///
/// Matches like GoBelieve's (importcjj/sensitive): noise characters (`|`, whitespace, `&`, `%`, `$`,
/// `@`, `*`) are ignored while matching, so "b*a d" matches "bad", and every character of every word
/// found becomes `*`. Immutable once built: share it across threads.
package struct WordFilter: Sendable {
    /// One automaton state: transitions by scalar, the failure link, and the length (in scalars) of the
    /// longest word that ends here, following failure links (0: none).
    private struct Node: Sendable {
        var next: [Unicode.Scalar: Int32] = [:]
        var failure: Int32 = 0
        var longestMatch: Int32 = 0
    }

    private let nodes: [Node]
    /// The number of distinct words.
    package let wordCount: Int

    /// Builds the automaton; empty words and words made only of noise are skipped.
    package init<Words: Sequence<String>>(words: Words) {
        var nodes = [Node()]
        var count = 0
        for word in words {
            let scalars = word.unicodeScalars.filter { !WordFilter.isNoise($0) }
            guard !scalars.isEmpty else { continue }
            var state = 0
            for scalar in scalars {
                if let next = nodes[state].next[scalar] {
                    state = Int(next)
                } else {
                    nodes.append(Node())
                    nodes[state].next[scalar] = Int32(nodes.count - 1)
                    state = nodes.count - 1
                }
            }
            if nodes[state].longestMatch == 0 { count += 1 }
            nodes[state].longestMatch = Int32(scalars.count)
        }
        // Breadth-first: a state's failure link points to a shallower state, already complete.
        var queue: [Int] = nodes[0].next.values.map(Int.init)
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (scalar, child) in nodes[state].next {
                let child = Int(child)
                var fallback = Int(nodes[state].failure)
                while fallback != 0 && nodes[fallback].next[scalar] == nil {
                    fallback = Int(nodes[fallback].failure)
                }
                let target = nodes[fallback].next[scalar].map(Int.init) ?? 0
                nodes[child].failure = Int32(target == child ? 0 : target)
                nodes[child].longestMatch = max(
                    nodes[child].longestMatch,
                    nodes[Int(nodes[child].failure)].longestMatch
                )
                queue.append(child)
            }
        }
        self.nodes = nodes
        self.wordCount = count
    }

    /// Parses a word file: one word per line; blank lines and lines starting with `#` are skipped.
    package init(fileContents: String) {
        let lines = fileContents.split(whereSeparator: \.isNewline)
        let words: [String] = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        self.init(words: words.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    /// Whether the filter has no words.
    package var isEmpty: Bool { wordCount == 0 }

    /// `text` with every word found replaced by `*`s, or nil if no word is in it.
    ///
    /// Noise between the characters of a word is masked with it ("b a d" becomes "*****"); everything
    /// else is left as it was (GoBelieve strips every space and noise character from a text that
    /// contains a word).
    package func replacing(in text: String) -> String? {
        guard !isEmpty else { return nil }
        let scalars = Array(text.unicodeScalars)
        // The automaton runs over the scalars that are not noise.
        let kept = scalars.indices.filter { !WordFilter.isNoise(scalars[$0]) }
        // The start (in `kept`) of the longest word ending at each kept position (Int.max: none).
        var matchStart = [Int](repeating: .max, count: kept.count)
        var found = false
        var state = 0
        for (position, index) in kept.enumerated() {
            let scalar = scalars[index]
            while state != 0 && nodes[state].next[scalar] == nil { state = Int(nodes[state].failure) }
            state = nodes[state].next[scalar].map(Int.init) ?? 0
            let length = Int(nodes[state].longestMatch)
            if length > 0 {
                matchStart[position] = position - length + 1
                found = true
            }
        }
        guard found else { return nil }
        // Right to left: a kept position is inside a word iff some word ending at or after it starts at or
        // before it.
        var masked = [Bool](repeating: false, count: kept.count)
        var earliestStart = Int.max
        for position in kept.indices.reversed() {
            earliestStart = min(earliestStart, matchStart[position])
            masked[position] = earliestStart <= position
        }
        var result = scalars
        for (position, index) in kept.enumerated() where masked[position] {
            result[index] = "*"
            // Noise between two masked characters is part of the word.
            if position > 0 && masked[position - 1] {
                for between in (kept[position - 1] + 1)..<index { result[between] = "*" }
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: result)
        return String(view)
    }

    /// importcjj/sensitive's default noise: `[\|\s&%$@*]`.
    private static func isNoise(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "|", "&", "%", "$", "@", "*": true
        default: scalar.properties.isWhitespace
        }
    }
}
