/*
 * A tiny freestanding C runtime for bare-metal programs on the emulated ESP32-S3 (tools/s3/crt0.S,
 * s3.ld): the C library functions the project's C needs (the kit's compiler has no libc for the S3),
 * console output on UART0, semihosting exit, and a region counter from CCOUNT.
 */
#ifndef MOODFACE_S3_RUNTIME_H
#define MOODFACE_S3_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

/* Console (semihosting SYS_WRITE to fd 1, a line at a time: QEMU's stdout). */
void s3_putc(char c);
void s3_puts(const char *s);            /* no newline added */
void s3_put_u32(uint32_t v);            /* decimal */
void s3_put_hex(uint32_t v, int digits);
void s3_put_bytes_hex(const void *p, size_t n);
/* printf-like to the console, with the same subset as s3 vsnprintf (%d %i %u %x %s %c %%, l/ll/z). */
void s3_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ends the run through semihosting: QEMU exits with `code`. */
__attribute__((noreturn)) void s3_exit(int code);

/*
 * Instruction counting: under QEMU's -icount shift=0 CCOUNT advances once per 25 guest instructions
 * (kit README), so a CCOUNT delta x 25 is the instruction count of a region to within 25 either side.
 */
#define S3_INSNS_PER_TICK 25u
static inline uint32_t s3_ccount(void) {
	uint32_t c;
	__asm__ volatile("rsr.ccount %0" : "=a"(c));
	return c;
}

/* FNV-1a 64-bit over bytes: the guest's outputs come back as hashes (the host computes the same). */
uint64_t s3_fnv1a64(uint64_t h, const void *p, size_t n);
#define S3_FNV_OFFSET 0xcbf29ce484222325ull

#endif
