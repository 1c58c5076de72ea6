import IMTopKit
import Testing

@Suite("Units and sparklines")
struct FormatTests {
    let units = Units(unicode: true)

    @Test(arguments: [
        (0.0, "0"), (999, "999"), (9999, "9999"), (10_000, "10.0k"), (12_345, "12.3k"), (99_960, "100k"),
        (123_456, "123k"), (999_499, "999k"), (999_500, "1.00M"), (1_234_567, "1.23M"), (4.2e9, "4.20G"),
    ])
    func counts(_ value: Double, _ text: String) {
        #expect(units.count(value) == text)
    }

    @Test(arguments: [(0.0, "0"), (0.04, "0.0"), (0.5, "0.5"), (9.94, "9.9"), (9.96, "10"), (45_210.5, "45.2k")])
    func rates(_ value: Double, _ text: String) {
        #expect(units.rate(value) == text)
    }

    @Test(arguments: [
        (0.0, "0B"), (1023, "1023B"), (1024, "1.00K"), (440_401_920, "420M"), (1.5 * 1_073_741_824, "1.50G"),
    ])
    func bytes(_ value: Double, _ text: String) {
        #expect(units.bytes(value) == text)
    }

    @Test(arguments: [
        (0.12, "120µs"), (0.9994, "999µs"), (1.234, "1.23ms"), (12.34, "12.3ms"), (123.4, "123ms"),
        (999.6, "1.00s"), (2500, "2.50s"),
    ])
    func milliseconds(_ value: Double, _ text: String) {
        #expect(units.milliseconds(value) == text)
    }

    @Test func asciiHasNoMicroSign() {
        #expect(Units(unicode: false).milliseconds(0.5) == "500us")
    }

    @Test(arguments: [(45.0, "45s"), (723, "12m03s"), (18_120, "5h02m"), (273_600, "3d04h")])
    func durations(_ seconds: Double, _ text: String) {
        #expect(units.duration(seconds: seconds) == text)
    }

    @Test func sparklinesScaleToTheirPeakAndShowGaps() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], width: 8, unicode: true) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([1, nil, 7], width: 5, unicode: true) == "  ▂ █")
        #expect(Sparkline.render([0, 0], width: 2, unicode: false) == "__")
        #expect(Sparkline.render([5, 10], width: 1, unicode: true) == "█", "only the newest values that fit")
        #expect(Sparkline.peak([1, nil, 7, 3]) == 7)
    }
}
