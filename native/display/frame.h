/*
 * The SSD1306 driver's per-frame byte work in C (modules/display/ssd1306.ts, docs/ssd1306.md):
 * compare the new page-packed frame with the panel's copy, plan the cheapest column/page windows
 * (the same dynamic programme as modules/display/planner.ts, window for window), and copy a
 * window's bytes into the I2C data buffer and into the panel's copy. The firmware calls it through
 * xs_ssd1306.c; the host runs planner.ts, and tests/display/native-frame.test.ts checks that both
 * put the same bytes on the bus. Integer-only, no allocation.
 */
#ifndef MOODFACE_SSD1306_FRAME_H
#define MOODFACE_SSD1306_FRAME_H

#include <stdint.h>

#include "../common/geometry.h"

/** planner.ts MAX_WINDOWS: one window per column segment and page, 8 pages x 64 segments. */
#define MD_SSD1306_MAX_WINDOWS 512

/**
 * Plans the windows that send what differs between `frame` and `last` over the first `pages` pages
 * (every column when `known` is 0). Writes [c0, c1, p0, p1] for window k at windows[4k..4k+3], in
 * the order to send them; returns their number (0 when nothing changed).
 */
int md_ssd1306_plan(const uint8_t *frame, const uint8_t *last, int known, int pages, int32_t *windows);

/** Bytes of a window's data transaction after its control byte: (c1 - c0 + 1) * (p1 - p0 + 1). */
int md_ssd1306_window_bytes(int c0, int c1, int p0, int p1);

/** Copies the window's bytes of `frame`, page by page, into `out` (md_ssd1306_window_bytes of them). */
void md_ssd1306_pack(const uint8_t *frame, uint8_t *out, int c0, int c1, int p0, int p1);

/** Copies the window's bytes of `frame` into `last` at the same places (after the panel took them). */
void md_ssd1306_commit(const uint8_t *frame, uint8_t *last, int c0, int c1, int p0, int p1);

#endif
