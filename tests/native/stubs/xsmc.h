/*
 * Test double of Moddable's xsmc.h: just what the XS host modules in native/ use (the decoder's,
 * the driver's and the animator's), over a fake machine that tests/native/host_main.c drives. Not XS: thrown errors longjmp back to the driver.
 */
#ifndef STUB_XSMC_H
#define STUB_XSMC_H

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

typedef uint32_t xsUnsignedValue;
typedef int32_t xsIntegerValue;
typedef struct {
	void *data;
	xsUnsignedValue length;
	xsIntegerValue integer;
	int boolean;
} xsSlot;
typedef struct xsMachine {
	xsSlot args[8];
	int argc;
	xsSlot this_slot;
	xsSlot result;
	void *host;
	char error[320];
	jmp_buf thrown;
} xsMachine;

void stub_xs_throw(xsMachine *the, const char *kind, const char *format, ...);

#define xsArg(i) (the->args[i])
#define xsThis (the->this_slot)
#define xsResult (the->result)
#define xsmcArgc (the->argc)
static inline void stub_xs_buffer(xsSlot *slot, void **bytes, xsUnsignedValue *count) {
	*bytes = slot->data;
	*count = slot->length;
}
#define xsmcGetBufferReadable(slot, bytes, count) stub_xs_buffer(&(slot), (bytes), (count))
#define xsmcGetBufferWritable(slot, bytes, count) stub_xs_buffer(&(slot), (bytes), (count))
#define xsmcToInteger(slot) ((slot).integer)
#define xsmcToBoolean(slot) ((slot).boolean)
#define xsmcSetHostData(slot, d) ((void)(slot), the->host = (d))
#define xsmcGetHostData(slot) ((void)(slot), the->host)
#define xsmcSetInteger(slot, v) ((slot).integer = (v))
#define xsmcSetTrue(slot) ((slot).boolean = 1)
#define xsmcSetFalse(slot) ((slot).boolean = 0)
#define xsmcSetBoolean(slot, v) ((slot).boolean = (v))
#define xsUnknownError(...) stub_xs_throw(the, "Error", __VA_ARGS__)
#define xsRangeError(...) stub_xs_throw(the, "RangeError", __VA_ARGS__)
#define c_calloc calloc
#define c_free free

#endif
