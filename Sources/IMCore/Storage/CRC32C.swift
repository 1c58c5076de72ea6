import CIMSupport

/// CRC-32C (Castagnoli) of raw bytes; hardware-accelerated where the CPU allows.
enum CRC32C {
    static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return seed }
        return cim_crc32c(seed, base, bytes.count)
    }
}
