// The C++ runtime the TFLM guest needs, in place of libstdc++/libsupc++ (the kit has none for the
// S3): operator new/delete, the pure-virtual trap, and static destructor registration.
// The decoder never allocates: TF_LITE_STATIC_MEMORY, a static arena, placement new in
// backend_tflm.cc. operator new therefore stops the run with a message, so a heap allocation that
// crept in would fail the device test instead of passing unnoticed; operator delete is only
// referenced by the deleting destructors of TFLM's classes with virtual destructors, never called.
#include <stddef.h>

// runtime.h has no extern "C" of its own.
extern "C" {
#include "runtime.h"
}

namespace {
[[noreturn]] void fail(const char *what) {
	s3_puts("\nS3 error ");
	s3_puts(what);
	s3_puts("\n");
	s3_exit(4);
}
}  // namespace

void *operator new(size_t) { fail("operator new called: the TFLM path must not allocate"); }
void *operator new[](size_t) { fail("operator new[] called: the TFLM path must not allocate"); }
void operator delete(void *) noexcept { fail("operator delete called"); }
void operator delete[](void *) noexcept { fail("operator delete[] called"); }
void operator delete(void *, size_t) noexcept { fail("operator delete called"); }
void operator delete[](void *, size_t) noexcept { fail("operator delete[] called"); }

extern "C" {
void *__dso_handle = nullptr;
// Static destructors never run: the guest ends through semihosting, not exit().
int __cxa_atexit(void (*)(void *), void *, void *) { return 0; }
void __cxa_pure_virtual() { fail("pure virtual function called"); }
}
