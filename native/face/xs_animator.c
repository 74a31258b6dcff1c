/*
 * XS host functions of the animator's whole-frame work (modules/face/native-animator.ts; the C is
 * animator.c): the crossfade and the lift cost most of a frame in XS's interpreter.
 *   xs_animator_crossfade(from, to, masks, level, out)   masks: the 17 x 4 byte table
 *   xs_animator_lift(frame) -> boolean
 */
#include <stdint.h>

#include "xsmc.h"
#include "animator.h"

static uint8_t *bytes_arg(xsMachine *the, int index, xsUnsignedValue need, int writable) {
	void *data;
	xsUnsignedValue length;
	if (writable) xsmcGetBufferWritable(xsArg(index), &data, &length);
	else xsmcGetBufferReadable(xsArg(index), &data, &length);
	if (length < need) xsRangeError("animator: argument %d has %d bytes, needs %d", index, (int)length, (int)need);
	return data;
}

void xs_animator_crossfade(xsMachine *the) {
	const uint8_t *from = bytes_arg(the, 0, MF_FRAME_BYTES, 0);
	const uint8_t *to = bytes_arg(the, 1, MF_FRAME_BYTES, 0);
	const uint8_t *masks = bytes_arg(the, 2, 17 * 4, 0);
	int level = xsmcToInteger(xsArg(3));
	uint8_t *out = bytes_arg(the, 4, MF_FRAME_BYTES, 1);
	if (level < 0 || level > 16) xsRangeError("animator: crossfade level %d", level);
	md_crossfade(from, to, masks, level, out);
}

void xs_animator_lift(xsMachine *the) {
	uint8_t *frame = bytes_arg(the, 0, MF_FRAME_BYTES, 1);
	xsmcSetBoolean(xsResult, md_lift(frame));
}
