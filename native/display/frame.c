/*
 * See frame.h. The planner is modules/display/planner.ts written out in C, decision for decision and
 * in the same emission order, so that the bus carries the same bytes whichever one the driver uses.
 */
#include <string.h>

#include "frame.h"

#define MASK_WORDS 4
#define INFINITE_CLOCKS 0x3fffffff

/** commands.ts transactionClocks: 9 clocks per byte (address included) plus START and STOP. */
static int transaction_clocks(int bytes) {
	return 9 * (bytes + 1) + 2;
}

/** planner.ts windowClocks: the 7-byte window command plus the data transaction. */
static int window_clocks(int w, int h) {
	return transaction_clocks(7) + transaction_clocks(1 + w * h);
}

static int page_clean(const uint32_t *mask, int p) {
	const uint32_t *m = mask + p * MASK_WORDS;
	return (m[0] | m[1] | m[2] | m[3]) == 0;
}

/** First set bit at or after column c, or MF_WIDTH. */
static int next_set(const uint32_t *u, int c) {
	while (c < MF_WIDTH) {
		uint32_t word = u[c >> 5] >> (c & 31);
		if (word) return c + __builtin_ctz(word);
		c = (c | 31) + 1;
	}
	return MF_WIDTH;
}

/** First clear bit at or after column c, or MF_WIDTH. */
static int next_clear(const uint32_t *u, int c) {
	while (c < MF_WIDTH) {
		uint32_t word = ~u[c >> 5] >> (c & 31);
		if (word) {
			int x = c + __builtin_ctz(word);
			return x < MF_WIDTH ? x : MF_WIDTH;
		}
		c = (c | 31) + 1;
	}
	return MF_WIDTH;
}

typedef struct {
	int32_t *windows;
	int count;
} emitter;

/** planner.ts segments(): the cost of covering `u` over h pages; emits the windows when `out`. */
static int segments(const uint32_t *u, int h, int p0, emitter *out) {
	int cost = 0, start = -1, end = -1;
	int c = next_set(u, 0);
	while (c < MF_WIDTH) {
		int run_end = next_clear(u, c) - 1;
		if (start < 0) {
			start = c;
			end = run_end;
		} else if (9 * (c - end - 1) * h < window_clocks(0, 0)) {
			end = run_end; /* re-sending the gap is cheaper than another window */
		} else {
			cost += window_clocks(end - start + 1, h);
			if (out) {
				int32_t *w = out->windows + 4 * out->count++;
				w[0] = start, w[1] = end, w[2] = p0, w[3] = p0 + h - 1;
			}
			start = c;
			end = run_end;
		}
		c = next_set(u, run_end + 1);
	}
	if (start >= 0) {
		cost += window_clocks(end - start + 1, h);
		if (out) {
			int32_t *w = out->windows + 4 * out->count++;
			w[0] = start, w[1] = end, w[2] = p0, w[3] = p0 + h - 1;
		}
	}
	return cost;
}

int md_ssd1306_plan(const uint8_t *frame, const uint8_t *last, int known, int pages, int32_t *windows) {
	uint32_t mask[MF_PAGES * MASK_WORDS];
	uint32_t u[MASK_WORDS];
	int best[MF_PAGES + 1], from[MF_PAGES + 1];
	memset(mask, 0, sizeof(mask));
	if (pages > MF_PAGES) pages = MF_PAGES;
	for (int p = 0; p < pages; p++) {
		const uint8_t *f = frame + p * MF_WIDTH, *l = last + p * MF_WIDTH;
		uint32_t *m = mask + p * MASK_WORDS;
		if (!known) {
			m[0] = m[1] = m[2] = m[3] = 0xffffffffu;
			continue;
		}
		/* Four columns at a time: most of a frame is unchanged. */
		for (int x = 0; x < MF_WIDTH; x += 4) {
			if (f[x] == l[x] && f[x + 1] == l[x + 1] && f[x + 2] == l[x + 2] && f[x + 3] == l[x + 3]) continue;
			for (int k = x; k < x + 4; k++)
				if (f[k] != l[k]) m[k >> 5] |= 1u << (k & 31);
		}
	}
	/* Dynamic programme over the pages: best[j] is the cheapest plan for pages 0..j-1. */
	best[0] = 0;
	for (int j = 0; j < MF_PAGES; j++) {
		from[j + 1] = -1;
		if (page_clean(mask, j)) {
			best[j + 1] = best[j];
			continue;
		}
		best[j + 1] = INFINITE_CLOCKS;
		memset(u, 0, sizeof(u));
		for (int i = j; i >= 0; i--) {
			for (int w = 0; w < MASK_WORDS; w++) u[w] |= mask[i * MASK_WORDS + w];
			if (page_clean(mask, i)) continue;
			int cost = best[i] + segments(u, j - i + 1, -1, NULL);
			if (cost < best[j + 1]) {
				best[j + 1] = cost;
				from[j + 1] = i;
			}
		}
	}
	/* Walk back through the choices, emitting windows in the planner's order. */
	emitter out = { windows, 0 };
	int j = MF_PAGES;
	while (j > 0) {
		int i = from[j];
		if (i < 0) {
			j--;
			continue;
		}
		memset(u, 0, sizeof(u));
		for (int p = i; p < j; p++)
			for (int w = 0; w < MASK_WORDS; w++) u[w] |= mask[p * MASK_WORDS + w];
		segments(u, j - i, i, &out);
		j = i;
	}
	return out.count;
}

int md_ssd1306_window_bytes(int c0, int c1, int p0, int p1) {
	return (c1 - c0 + 1) * (p1 - p0 + 1);
}

void md_ssd1306_pack(const uint8_t *frame, uint8_t *out, int c0, int c1, int p0, int p1) {
	int w = c1 - c0 + 1;
	for (int p = p0; p <= p1; p++, out += w) memcpy(out, frame + p * MF_WIDTH + c0, (size_t)w);
}

void md_ssd1306_commit(const uint8_t *frame, uint8_t *last, int c0, int c1, int p0, int p1) {
	int w = c1 - c0 + 1;
	for (int p = p0; p <= p1; p++) memcpy(last + p * MF_WIDTH + c0, frame + p * MF_WIDTH + c0, (size_t)w);
}
