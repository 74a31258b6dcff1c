/*
 * What the XS image needs beyond tools/s3's start-up code and linker script:
 *
 * - __heap_start/__heap_end: the region picolibc's sbrk (and so malloc) hands out. XS puts its keys,
 *   parser buffers and the compiled modules' code there (about 410 KB with the firmware's modules
 *   parsed at run time). In .bss, so crt0 clears it and s3.ld's stack check counts it.
 * - __xtensa_libgcc_window_spill: spills every live register window to the stack; picolibc's
 *   windowed setjmp calls it (libgcc has it; the kit's libcrt does not). The coreasm.h
 *   SPILL_ALL_WINDOWS sequence for 64 physical registers: touch a12 in each window 12 registers on,
 *   so that every live frame overflows through the window vectors, four rotations of 3 and one of 4
 *   (16 x 4 = 64 registers) back to this frame.
 */
#ifndef S3_XS_MALLOC_BYTES
#define S3_XS_MALLOC_BYTES 0x80000
#endif
	.section .bss.s3_xs_heap, "aw", @nobits
	.balign 16
	.global __heap_start
__heap_start:
	.space S3_XS_MALLOC_BYTES
	.global __heap_end
__heap_end:

	.section .text.__xtensa_libgcc_window_spill, "ax"
	.balign 4
	.global __xtensa_libgcc_window_spill
	.type __xtensa_libgcc_window_spill, @function
__xtensa_libgcc_window_spill:
	entry a1, 32
	and a12, a12, a12
	rotw 3
	and a12, a12, a12
	rotw 3
	and a12, a12, a12
	rotw 3
	and a12, a12, a12
	rotw 3
	and a12, a12, a12
	rotw 4
	retw
	.size __xtensa_libgcc_window_spill, . - __xtensa_libgcc_window_spill
