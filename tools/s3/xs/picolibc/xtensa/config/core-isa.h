/* The few ESP32-S3 (Xtensa LX7) core parameters that picolibc's Xtensa assembly (memcpy, memset,
 * setjmp, str*) and <machine/fenv.h> test. Without this header picolibc falls back to its built-in
 * lx106 configuration (no register windows, call0 returns) and its setjmp/memset break the
 * windowed ABI that everything else here uses. Values from the ESP32-S3 technical reference
 * (Xtensa LX7: windowed ABI with 64 address registers, zero-overhead loops, single-precision FPU). */
#ifndef MOODFACE_S3_CORE_ISA_H
#define MOODFACE_S3_CORE_ISA_H
#define XCHAL_HAVE_BE 0
#define XCHAL_HAVE_WINDOWED 1
#define XCHAL_NUM_AREGS 64
#define XCHAL_HAVE_DENSITY 1
#define XCHAL_HAVE_L32R 1
#define XCHAL_HAVE_LOOPS 1
#define XCHAL_HAVE_FP 1
#define XCHAL_HAVE_DFP 0
#define XCHAL_INST_FETCH_WIDTH 4
#define XCHAL_MAYHAVE_ERRATUM_XEA1KWIN 0
#define XCHAL_UNALIGNED_LOAD_EXCEPTION 1
#endif
