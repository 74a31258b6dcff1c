/* See animator.h: animator.ts's crossfade, topRowEmpty and shiftAll, step for step. */
#include "animator.h"

void md_crossfade(const uint8_t *from, const uint8_t *to, const uint8_t *masks, int level, uint8_t *out) {
	const uint8_t *m = masks + level * 4;
	for (int i = 0; i < MF_FRAME_BYTES; i++) out[i] = (uint8_t)((from[i] & ~m[i & 3]) | (to[i] & m[i & 3]));
}

int md_lift(uint8_t *frame) {
	/* Row 0 is bit 0 of every byte of page 0. */
	for (int x = 0; x < MF_WIDTH; x++)
		if (frame[x] & 1) return 0;
	/* Each byte takes the next page's top bit as its new bottom bit; the last page gets a blank row. */
	for (int i = 0; i < MF_FRAME_BYTES; i++) {
		uint8_t next = i + MF_WIDTH < MF_FRAME_BYTES ? frame[i + MF_WIDTH] : 0;
		frame[i] = (uint8_t)(((frame[i] >> 1) & 0x7f) | ((next & 1) << 7));
	}
	return 1;
}
