/* Bare-metal start-up for the emulated ESP32-S3, written from the kit README's facts: window
   vectors, exception vectors that print EXCCAUSE/EPC1/EXCVADDR/DEPC and exit 99, CPENABLE, PS.WOE,
   .bss cleared, main called with callx4, exit through semihosting. A stand-in until tools/s3's own
   start-up code (branch h-s3) is merged; then build.ts should link that one instead.
   Also __xtensa_libgcc_window_spill, which picolibc's windowed setjmp calls. */
#define UART0 0x60000000
	.section .vectors, "ax"
	.align 1024
	.global _vector_table
_vector_table:
	.org 0x000	/* WindowOverflow4 */
	s32e a0, a5, -16
	s32e a1, a5, -12
	s32e a2, a5, -8
	s32e a3, a5, -4
	rfwo
	.org 0x040	/* WindowUnderflow4 */
	l32e a0, a5, -16
	l32e a1, a5, -12
	l32e a2, a5, -8
	l32e a3, a5, -4
	rfwu
	.org 0x080	/* WindowOverflow8 */
	s32e a0, a9, -16
	l32e a0, a1, -12
	s32e a1, a9, -12
	s32e a2, a9, -8
	s32e a3, a9, -4
	s32e a4, a0, -32
	s32e a5, a0, -28
	s32e a6, a0, -24
	s32e a7, a0, -20
	rfwo
	.org 0x0C0	/* WindowUnderflow8 */
	l32e a1, a9, -12
	l32e a0, a9, -16
	l32e a7, a1, -12
	l32e a2, a9, -8
	l32e a4, a7, -32
	l32e a3, a9, -4
	l32e a5, a7, -28
	l32e a6, a7, -24
	l32e a7, a7, -20
	rfwu
	.org 0x100	/* WindowOverflow12 */
	s32e a0, a13, -16
	l32e a0, a1, -12
	s32e a1, a13, -12
	s32e a2, a13, -8
	s32e a3, a13, -4
	s32e a4, a0, -48
	s32e a5, a0, -44
	s32e a6, a0, -40
	s32e a7, a0, -36
	s32e a8, a0, -32
	s32e a9, a0, -28
	s32e a10, a0, -24
	s32e a11, a0, -20
	rfwo
	.org 0x140	/* WindowUnderflow12 */
	l32e a1, a13, -12
	l32e a0, a13, -16
	l32e a11, a1, -12
	l32e a2, a13, -8
	l32e a4, a11, -48
	l32e a8, a11, -32
	l32e a3, a13, -4
	l32e a5, a11, -44
	l32e a6, a11, -40
	l32e a7, a11, -36
	l32e a9, a11, -28
	l32e a10, a11, -24
	l32e a11, a11, -20
	rfwu
	.org 0x300	/* KernelException */
	j _fatal
	.org 0x340	/* UserException */
	j _fatal
	.org 0x3C0	/* DoubleException */
	j _fatal

	.section .text._start, "ax"
	.literal_position
	.align 4
/* Prints "\nEXC cause=X pc=X vaddr=X a0=X\n" without calls or stack, then exits 99. */
	.global _fatal
_fatal:
	movi a2, UART0
	movi a3, 'E'
	s32i a3, a2, 0
	movi a3, 'X'
	s32i a3, a2, 0
	movi a3, 'C'
	s32i a3, a2, 0
	rsr a4, EXCCAUSE
	call0 _hex
	rsr a4, EPC1
	call0 _hex
	rsr a4, EXCVADDR
	call0 _hex
	rsr a4, DEPC
	call0 _hex
	movi a3, '\n'
	s32i a3, a2, 0
	movi a2, 1
	movi a3, 99
	simcall
1:	j 1b
/* _hex: prints ' ' then a4 as 8 hex digits; uses a3, a5, a6; return via a0 (call0). */
_hex:
	movi a3, ' '
	s32i a3, a2, 0
	movi a5, 8
2:	extui a3, a4, 28, 4
	slli a4, a4, 4
	movi a6, 10
	blt a3, a6, 3f
	addi a3, a3, 'a' - '0' - 10
3:	addi a3, a3, '0'
	s32i a3, a2, 0
	addi a5, a5, -1
	bnez a5, 2b
	ret

	.global _start
_start:
	movi a2, _vector_table
	wsr a2, VECBASE
	movi a2, 0xFF
	wsr a2, CPENABLE
	movi a2, 0
	wsr a2, WINDOWBASE
	rsync
	movi a2, 1
	wsr a2, WINDOWSTART
	rsync
	movi a1, _stack_top
	movi a2, 0x00040000
	wsr a2, PS
	rsync
	movi a2, _bss_start
	movi a3, _bss_end
	movi a4, 0
4:	bgeu a2, a3, 5f
	s32i a4, a2, 0
	addi a2, a2, 4
	j 4b
5:	movi a4, main
	callx4 a4
	movi a2, 1
	mov a3, a6
	simcall
6:	j 6b

/* Spills every live register window to the stack (used by setjmp): the coreasm.h
   SPILL_ALL_WINDOWS sequence for 64 physical registers. */
	.section .text.__xtensa_libgcc_window_spill, "ax"
	.align 4
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
