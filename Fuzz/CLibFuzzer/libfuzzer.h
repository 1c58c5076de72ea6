// libFuzzer's driver, linked by `-sanitize=fuzzer`: a fuzzer's `main` hands it the test function.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));
