/*
 * Bare-metal start-up for the emulated ESP32-S3 (the kit's qemu-system-xtensa -M esp32s3 -kernel),
 * written from the kit README's boot facts: QEMU jumps from the reset stub straight to _start with
 * PS = 0x1F (EXCM set, windows off), nothing else initialised. This file owns the vector table
 * (window spill/fill handlers, exception vectors that print the cause and exit non-zero), the CPU
 * set-up (VECBASE, CPENABLE, WINDOWBASE/WINDOWSTART, stack, PS), .bss, the call to main and the
 * semihosting exit with main's return value.
 */
	.set SYS_EXIT, 1
	.set EXIT_EXCEPTION, 99		/* what QEMU exits with after an unhandled exception */

/* ---- Vector table: VECBASE points here; 1 KB aligned, each window handler within 64 bytes ---- */
	.section .vectors, "ax"
	.align 1024
	.global _vector_table
_vector_table:

/* The standard Xtensa windowed-ABI handlers (ISA reference manual, "Window Overflow/Underflow"):
 * the caller's a0-a3 go to the 16 bytes below the callee's stack pointer, the extra registers of an
 * 8/12 frame to the area below the caller's caller's stack pointer (found at sp-12 of the frame). */
	.org 0x000
_WindowOverflow4:
	s32e	a0, a5, -16
	s32e	a1, a5, -12
	s32e	a2, a5, -8
	s32e	a3, a5, -4
	rfwo

	.org 0x040
_WindowUnderflow4:
	l32e	a0, a5, -16
	l32e	a1, a5, -12
	l32e	a2, a5, -8
	l32e	a3, a5, -4
	rfwu

	.org 0x080
_WindowOverflow8:
	s32e	a0, a9, -16
	l32e	a0, a1, -12
	s32e	a1, a9, -12
	s32e	a2, a9, -8
	s32e	a3, a9, -4
	s32e	a4, a0, -32
	s32e	a5, a0, -28
	s32e	a6, a0, -24
	s32e	a7, a0, -20
	rfwo

	.org 0x0C0
_WindowUnderflow8:
	l32e	a1, a9, -12
	l32e	a0, a9, -16
	l32e	a7, a1, -12
	l32e	a2, a9, -8
	l32e	a4, a7, -32
	l32e	a3, a9, -4
	l32e	a5, a7, -28
	l32e	a6, a7, -24
	l32e	a7, a7, -20
	rfwu

	.org 0x100
_WindowOverflow12:
	s32e	a0, a13, -16
	l32e	a0, a1, -12
	s32e	a1, a13, -12
	s32e	a2, a13, -8
	s32e	a3, a13, -4
	s32e	a4, a0, -48
	s32e	a5, a0, -44
	s32e	a6, a0, -40
	s32e	a7, a0, -36
	s32e	a8, a0, -32
	s32e	a9, a0, -28
	s32e	a10, a0, -24
	s32e	a11, a0, -20
	rfwo

	.org 0x140
_WindowUnderflow12:
	l32e	a1, a13, -12
	l32e	a0, a13, -16
	l32e	a11, a1, -12
	l32e	a2, a13, -8
	l32e	a4, a11, -48
	l32e	a8, a11, -32
	l32e	a3, a13, -4
	l32e	a5, a11, -44
	l32e	a6, a11, -40
	l32e	a7, a11, -36
	l32e	a9, a11, -28
	l32e	a10, a11, -24
	l32e	a11, a11, -20
	rfwu

/* No interrupt source is ever enabled (INTENABLE stays 0), so the level-2..7 and NMI vectors
 * (0x180..0x2C0) are never taken. */

	.org 0x300
_KernelExceptionVector:
	movi	a2, 'K'
	j	_exception

	.org 0x340
_UserExceptionVector:
	movi	a2, 'U'
	j	_exception

	.org 0x3C0
_DoubleExceptionVector:
	movi	a2, 'D'
	j	_exception

	.org 0x400

/* ---- Exception report: no calls (PS.EXCM is set, a window spill now would be a double exception) ---- */
	.section .text.exc, "ax"
	.literal_position

/* Prints one character in a5 (a4 = UART0 FIFO). */
.macro putc_reg r
	s32i	\r, a4, 0
.endm
.macro putc ch
	movi	a5, \ch
	s32i	a5, a4, 0
.endm
/* Prints " name=0x" then the 8 hex digits of register \reg (clobbers a5..a8). */
.macro puthex reg
	movi	a6, 28
1:	ssr	a6
	srl	a7, \reg
	extui	a7, a7, 0, 4
	addi	a8, a7, -10
	bltz	a8, 2f
	addi	a7, a7, 'a' - 10 - '0'
2:	addi	a7, a7, '0'
	s32i	a7, a4, 0
	addi	a6, a6, -4
	bgez	a6, 1b
.endm

	.align 4
_exception:
	movi	a4, 0x60000000
	putc	'\n'
	putc	'!'
	putc_reg a2			/* K kernel, U user, D double */
	putc	' '
	putc	'E'
	putc	'X'
	putc	'C'
	putc	'C'
	putc	'A'
	putc	'U'
	putc	'S'
	putc	'E'
	putc	'='
	rsr	a3, EXCCAUSE
	puthex	a3
	putc	' '
	putc	'E'
	putc	'P'
	putc	'C'
	putc	'1'
	putc	'='
	rsr	a3, EPC1
	puthex	a3
	putc	' '
	putc	'E'
	putc	'X'
	putc	'C'
	putc	'V'
	putc	'A'
	putc	'D'
	putc	'D'
	putc	'R'
	putc	'='
	rsr	a3, EXCVADDR
	puthex	a3
	putc	'\n'
	movi	a2, SYS_EXIT
	movi	a3, EXIT_EXCEPTION
	simcall
1:	j	1b

/* ---- Entry: the ELF entry point QEMU's reset stub jumps to ---- */
	.section .text.start, "ax"
	.literal_position
	.align 4
	.global _start
_start:
	/* 1. Vectors: our table in IRAM (1 KB aligned by the linker script). */
	movi	a2, _vector_table
	wsr	a2, VECBASE
	/* 2. Coprocessors: bit 0 the FPU (float code), bit 3 the PIE vector unit (ee.*, ESP-NN). */
	movi	a2, 0xFF
	wsr	a2, CPENABLE
	/* No interrupts: INTENABLE has no defined reset value. */
	movi	a2, 0
	wsr	a2, INTENABLE
	/* 3. One live window frame. */
	movi	a2, 0
	wsr	a2, WINDOWBASE
	rsync
	movi	a2, 1
	wsr	a2, WINDOWSTART
	rsync
	/* 4. Stack at the top of DRAM (the linker script's _stack_top, 16-byte aligned). */
	movi	a1, _stack_top
	/* 5. Windows on (WOE), EXCM and INTLEVEL off: spills now go to the handlers above. */
	movi	a2, 0x00040000
	wsr	a2, PS
	rsync
	/* 6. Zero .bss, a word at a time (the linker script aligns both ends to 4). */
	movi	a2, _bss_start
	movi	a3, _bss_end
	movi	a4, 0
	j	2f
1:	s32i	a4, a2, 0
	addi	a2, a2, 4
2:	bltu	a2, a3, 1b
	/* 7. main with call4 (a call8/12 frame would have its caller's sp read from below ours when
	 *    spilled, and this frame has no caller); its return value comes back in a6. */
	movi	a4, main
	callx4	a4
	/* 8. Exit through semihosting with main's return value: s3_exit (runtime.c) flushes the console
	 *    line first; main's value is already in a6, its first argument for call4. */
	movi	a4, s3_exit
	callx4	a4
	mov	a3, a6
	movi	a2, SYS_EXIT
	simcall
3:	j	3b
