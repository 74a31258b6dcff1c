/*
 * XS host functions of the SSD1306 driver's frame work (modules/display/native-frame.ts; the C is
 * frame.c). One call per frame plans the windows, one per window fills the I2C data buffer and one
 * per sent window updates the panel's copy: the byte loops that cost most of a frame in XS's
 * interpreter run here. Buffers come as ArrayBuffers or Uint8Arrays (xsmc reads no wider views).
 *   xs_ssd1306_plan(frame, last, known, pages, windows)  windows: ArrayBuffer of 512 x 4 int32
 *   xs_ssd1306_pack(frame, data, c0, c1, p0, p1)         data[1..]: the window's bytes
 *   xs_ssd1306_commit(frame, last, c0, c1, p0, p1)
 */
#include <stdint.h>

#include "xsmc.h"
#include "frame.h"

static void window_args(xsMachine *the, int *c0, int *c1, int *p0, int *p1) {
	*c0 = xsmcToInteger(xsArg(2));
	*c1 = xsmcToInteger(xsArg(3));
	*p0 = xsmcToInteger(xsArg(4));
	*p1 = xsmcToInteger(xsArg(5));
	if (*c0 < 0 || *c1 < *c0 || *c1 >= MF_WIDTH || *p0 < 0 || *p1 < *p0 || *p1 >= MF_PAGES) xsRangeError("ssd1306: window %d..%d x %d..%d outside the panel", *c0, *c1, *p0, *p1);
}

static uint8_t *frame_arg(xsMachine *the, int index, int writable) {
	void *data;
	xsUnsignedValue length;
	if (writable) xsmcGetBufferWritable(xsArg(index), &data, &length);
	else xsmcGetBufferReadable(xsArg(index), &data, &length);
	if (length < MF_FRAME_BYTES) xsRangeError("ssd1306: argument %d has %d bytes, a frame %d", index, (int)length, MF_FRAME_BYTES);
	return data;
}

void xs_ssd1306_plan(xsMachine *the) {
	const uint8_t *frame = frame_arg(the, 0, 0);
	const uint8_t *last = frame_arg(the, 1, 0);
	int known = xsmcToBoolean(xsArg(2));
	int pages = xsmcToInteger(xsArg(3));
	void *windows;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(4), &windows, &length);
	if (pages < 1 || pages > MF_PAGES) xsRangeError("ssd1306: %d pages", pages);
	if (length < MD_SSD1306_MAX_WINDOWS * 4 * sizeof(int32_t) || ((uintptr_t)windows & 3)) xsRangeError("ssd1306: the windows buffer needs %d aligned bytes", (int)(MD_SSD1306_MAX_WINDOWS * 4 * sizeof(int32_t)));
	xsmcSetInteger(xsResult, md_ssd1306_plan(frame, last, known, pages, windows));
}

void xs_ssd1306_pack(xsMachine *the) {
	int c0, c1, p0, p1;
	const uint8_t *frame = frame_arg(the, 0, 0);
	void *data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(1), &data, &length);
	window_args(the, &c0, &c1, &p0, &p1);
	if (length < 1 + (xsUnsignedValue)md_ssd1306_window_bytes(c0, c1, p0, p1)) xsRangeError("ssd1306: data buffer of %d bytes for a window of %d", (int)length, md_ssd1306_window_bytes(c0, c1, p0, p1));
	md_ssd1306_pack(frame, (uint8_t *)data + 1, c0, c1, p0, p1);
}

void xs_ssd1306_commit(xsMachine *the) {
	int c0, c1, p0, p1;
	const uint8_t *frame = frame_arg(the, 0, 0);
	uint8_t *last = frame_arg(the, 1, 1);
	window_args(the, &c0, &c1, &p0, &p1);
	md_ssd1306_commit(frame, last, c0, c1, p0, p1);
}
