/// A byte position in the log: a segment number and an offset inside it, ordered as the log is written.
struct LogPosition: Comparable, Hashable, Sendable, CustomStringConvertible {
    var packed: UInt64

    init(segment: UInt32, offset: UInt32) {
        packed = UInt64(segment) << 32 | UInt64(offset)
    }

    init(packed: UInt64) {
        self.packed = packed
    }

    var segment: UInt32 { UInt32(truncatingIfNeeded: packed >> 32) }
    var offset: UInt32 { UInt32(truncatingIfNeeded: packed) }

    static func < (lhs: LogPosition, rhs: LogPosition) -> Bool { lhs.packed < rhs.packed }

    var description: String { "segment \(segment) offset \(offset)" }
}
