#include "CIMSupport.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CIM_TSAN 1
#endif
#endif

#ifdef CIM_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);

void cim_tsan_acquire(const void *address) { __tsan_acquire((void *)address); }
void cim_tsan_release(const void *address) { __tsan_release((void *)address); }
#else
void cim_tsan_acquire(const void *address) { (void)address; }
void cim_tsan_release(const void *address) { (void)address; }
#endif
