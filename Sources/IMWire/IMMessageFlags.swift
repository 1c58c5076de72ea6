/// Frame flags (header byte 10).
public struct IMMessageFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The content is JSON whose `text` field the word filter checks.
    public static let text = IMMessageFlags(rawValue: 0x01)
    public static let unpersistent = IMMessageFlags(rawValue: 0x02)
    public static let group = IMMessageFlags(rawValue: 0x04)
    /// Delivered by sync and sent from this very device.
    public static let `self` = IMMessageFlags(rawValue: 0x08)
    /// Pushed in real time rather than fetched by sync.
    public static let push = IMMessageFlags(rawValue: 0x10)
    public static let superGroup = IMMessageFlags(rawValue: 0x20)
}
