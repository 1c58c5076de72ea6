/// Whether a presented secret (an admin token, a replication token) is the expected one, in time that
/// depends only on their lengths, so a wrong guess tells nothing about how much of it was right.
func secretsMatch(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
    guard presented.count == expected.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(presented, expected) { difference |= a ^ b }
    return difference == 0
}
