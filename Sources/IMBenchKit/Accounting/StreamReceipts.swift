/// What one recipient received of one sender's stream of numbered messages: counts every message once,
/// and tells duplicates and reordering apart from gaps.
///
/// Messages are numbered 0, 1, 2, ... per sender→recipient stream. Real-time pushes go through
/// `receive(_:)`; the final sync's messages through `recover(_:)`, which fills gaps without counting
/// duplicates (sync returns everything, including what was pushed).
package struct StreamReceipts: Sendable, Equatable {
    /// What a pushed message was.
    package enum Outcome: Sendable, Equatable {
        /// The next one after everything seen so far (gaps allowed: a gap may be filled later).
        case inOrder
        /// Not seen before, but older than one already seen.
        case reordered
        /// Seen before.
        case duplicate
    }

    package private(set) var seen = SequenceSet()
    /// The highest number received by push; -1 before any.
    package private(set) var highest: Int64 = -1
    package private(set) var received = 0
    package private(set) var duplicates = 0
    package private(set) var reordered = 0
    /// Messages that arrived only through the final sync.
    package private(set) var recovered = 0

    package init() {}

    /// Records a pushed message.
    @discardableResult
    package mutating func receive(_ number: UInt32) -> Outcome {
        guard seen.insert(number) else {
            duplicates += 1
            return .duplicate
        }
        received += 1
        if Int64(number) < highest {
            reordered += 1
            return .reordered
        }
        highest = Int64(number)
        return .inOrder
    }

    /// Records a message found by sync; returns whether it had not been received before.
    @discardableResult
    package mutating func recover(_ number: UInt32) -> Bool {
        guard seen.insert(number) else { return false }
        recovered += 1
        return true
    }

    /// The numbers in `expected` this recipient never got, by push or sync.
    package func missing(from expected: SequenceSet) -> [UInt32] {
        expected.subtracting(seen)
    }
}

/// A set of message numbers as a bitmap: one bit per number up to the highest.
package struct SequenceSet: Sendable, Equatable {
    private var words: [UInt64] = []
    package private(set) var count = 0

    package init() {}

    package init<S: Sequence>(_ numbers: S) where S.Element == UInt32 {
        for number in numbers { insert(number) }
    }

    /// Adds `number`; returns false if it was there.
    @discardableResult
    package mutating func insert(_ number: UInt32) -> Bool {
        let word = Int(number >> 6)
        let bit = UInt64(1) << UInt64(number & 63)
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        if words[word] & bit != 0 { return false }
        words[word] |= bit
        count += 1
        return true
    }

    package func contains(_ number: UInt32) -> Bool {
        let word = Int(number >> 6)
        return word < words.count && words[word] & (UInt64(1) << UInt64(number & 63)) != 0
    }

    /// The numbers in this set and not in `other`, ascending.
    package func subtracting(_ other: SequenceSet) -> [UInt32] {
        var result: [UInt32] = []
        for (index, word) in words.enumerated() {
            var left = word & ~(index < other.words.count ? other.words[index] : 0)
            while left != 0 {
                let bit = left.trailingZeroBitCount
                result.append(UInt32(index * 64 + bit))
                left &= left - 1
            }
        }
        return result
    }
}
