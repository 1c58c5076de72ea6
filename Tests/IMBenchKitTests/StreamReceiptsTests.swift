import Testing

@testable import IMBenchKit

@Suite("Loss, duplicate and reorder accounting")
struct StreamReceiptsTests {
    @Test(
        "pushes in various orders",
        arguments: [
            (pushed: [0, 1, 2, 3] as [UInt32], duplicates: 0, reordered: 0, missing: [] as [UInt32]),
            (pushed: [0, 2, 3], duplicates: 0, reordered: 0, missing: [1]),
            (pushed: [0, 2, 1, 3], duplicates: 0, reordered: 1, missing: []),
            (pushed: [0, 1, 1, 2, 3, 3], duplicates: 2, reordered: 0, missing: []),
            (pushed: [3, 2, 1, 0], duplicates: 0, reordered: 3, missing: []),
            (pushed: [], duplicates: 0, reordered: 0, missing: [0, 1, 2, 3]),
        ]
    )
    func accounting(pushed: [UInt32], duplicates: Int, reordered: Int, missing: [UInt32]) {
        var receipts = StreamReceipts()
        for number in pushed { receipts.receive(number) }
        let expected = SequenceSet([0, 1, 2, 3])
        #expect(receipts.duplicates == duplicates)
        #expect(receipts.reordered == reordered)
        #expect(receipts.missing(from: expected) == missing)
        #expect(receipts.received == Set(pushed).count)
    }

    @Test("sync fills gaps without counting duplicates")
    func recovery() {
        var receipts = StreamReceipts()
        receipts.receive(0)
        receipts.receive(2)
        for number: UInt32 in 0...3 { receipts.recover(number) }
        #expect(receipts.recovered == 2)
        #expect(receipts.duplicates == 0)
        #expect(receipts.missing(from: SequenceSet([0, 1, 2, 3])).isEmpty)
        // A push after the sync found it is a duplicate push.
        #expect(receipts.receive(1) == .duplicate)
    }

    @Test("only ACKed messages are expected; unACKed extras are not losses")
    func expectedIsAcked() {
        var receipts = StreamReceipts()
        for number: UInt32 in [0, 1, 5] { receipts.receive(number) }
        #expect(receipts.missing(from: SequenceSet([0, 1, 2])) == [2])
    }

    @Test("sequence sets across word boundaries")
    func sequenceSet() {
        var set = SequenceSet()
        for number: UInt32 in [0, 63, 64, 127, 128, 10_000] {
            let inserted = set.insert(number)
            #expect(inserted)
        }
        let again = set.insert(64)
        #expect(!again)
        #expect(set.count == 6)
        #expect(set.contains(10_000) && !set.contains(9_999))
        let all = SequenceSet(0...200)
        #expect(all.subtracting(set).count == 201 - 5)
        #expect(set.subtracting(all) == [10_000])
    }
}
