#ifndef CIMSUPPORT_H
#define CIMSUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// CRC-32C (Castagnoli), as used by iSCSI, ext4 and LevelDB: `crc` is the running value (0 to start).
/// Uses the SSE4.2 `crc32` instruction when the CPU has it, a slicing-by-8 table otherwise.
uint32_t cim_crc32c(uint32_t crc, const void *data, size_t length);

/// Tell ThreadSanitizer that a lock at `address` was taken / is about to be released (no-ops unless the
/// build is instrumented with -sanitize=thread). Swift's `Synchronization.Mutex` is a futex on Linux that
/// ThreadSanitizer cannot see; IMCore's `Mutex` calls these around it.
void cim_tsan_acquire(const void *address);
void cim_tsan_release(const void *address);

#endif
