/*
 * The native decoder's dithered output (md_logits_to_frame in native/decoder/model.c) for sixteen
 * flat grey levels, for tests/face/dither.test.ts: level k has every pixel's ink probability just
 * below (k + 1) / 16. Writes the sixteen 1024-byte page-packed frames to stdout.
 */
#include <math.h>
#include <stdio.h>
#include "../../native/decoder/model.h"

int main(void) {
	static int8_t logits[MF_PIXELS];
	static uint8_t frame[MF_FRAME_BYTES];
	for (int i = 0; i < MF_PIXELS; i++) logits[i] = 100;
	for (int k = 0; k < 16; k++) {
		float p = (float)(k + 1) / 16.0f - 0.01f;
		float scale = logf(p / (1.0f - p)) / 100.0f;
		md_logits_to_frame(logits, 0 /* pixel order: flat levels look the same in tiles */, 0, scale, 1, frame);
		if (fwrite(frame, 1, MF_FRAME_BYTES, stdout) != MF_FRAME_BYTES) return 1;
	}
	return 0;
}
