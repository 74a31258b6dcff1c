/*
 * Drawing into 1024-byte page-packed frames (128x64, byte = one column of one page, bit 0 on top),
 * the SSD1306's own layout. Integer-only and allocation-free: the firmware draws its fallback faces
 * and overlays with these, and the tools use them for test traces.
 */
import { FRAME_BYTES, HEIGHT, PAGES, WIDTH } from "../common/geometry.js";

export { FRAME_BYTES, HEIGHT, WIDTH };

/** 4x4 Bayer ordered-dither thresholds (0..15), row-major: the crossfade and 1-bit conversion share it. */
export const BAYER4 = Object.freeze([0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]);

export function clear(frame: Uint8Array): void {
  frame.fill(0);
}

/** Sets or clears a vertical run of pixels x, y0..y1 (inclusive), a byte at a time where it can. */
export function vline(frame: Uint8Array, x: number, y0: number, y1: number, on: boolean): void {
  if (x < 0 || x >= WIDTH) return;
  if (y0 < 0) y0 = 0;
  if (y1 >= HEIGHT) y1 = HEIGHT - 1;
  let y = y0;
  while (y <= y1) {
    const page = y >> 3;
    const top = y & 7;
    const bottom = Math.min(7, top + (y1 - y));
    const bits = ((0xff << top) & (0xff >> (7 - bottom))) & 0xff;
    const i = page * WIDTH + x;
    if (on) frame[i] |= bits;
    else frame[i] &= ~bits & 0xff;
    y += bottom - top + 1;
  }
}

export function fillRect(frame: Uint8Array, x: number, y: number, w: number, h: number, on: boolean): void {
  for (let i = 0; i < w; i++) vline(frame, x + i, y, y + h - 1, on);
}

/** Filled ellipse centred on (cx, cy) with radii rx, ry (integers; ry 0 draws a line). */
export function fillEllipse(frame: Uint8Array, cx: number, cy: number, rx: number, ry: number, on: boolean): void {
  if (rx <= 0) return;
  const rx2 = rx * rx;
  for (let dx = -rx; dx <= rx; dx++) {
    // Half-height at this column: ry * sqrt(1 - dx^2/rx^2), by integer square root.
    const h = isqrt(Math.floor((ry * ry * (rx2 - dx * dx)) / rx2));
    vline(frame, cx + dx, cy - h, cy + h, on);
  }
}

/** floor(sqrt(n)) for 0 <= n < 2^31, integer-only. */
export function isqrt(n: number): number {
  if (n < 2) return n < 0 ? 0 : n;
  let x = n;
  let y = (x + 1) >> 1;
  while (y < x) {
    x = y;
    y = ((x + ((n / x) | 0)) >> 1) | 0;
  }
  return x;
}

/** For each byte, its 8 rows ORed in pairs into 4 (bit k = rows 2k and 2k+1): halves a page's height. */
const HALF_ROWS = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) for (let k = 0; k < 4; k++) if ((b >> (2 * k)) & 3) t[b] |= 1 << k;
  return t;
})();

/**
 * The frame squeezed to half its height (for 128x32 glass) into the top half of `dst`: each glass
 * row is the OR of two frame rows, so thin lines survive. `dst` must not be `src`.
 */
export function halveRows(src: Uint8Array, dst: Uint8Array): void {
  dst.fill(0);
  for (let p = 0; p < PAGES >> 1; p++) {
    const a = 2 * p * WIDTH;
    const b = a + WIDTH;
    const o = p * WIDTH;
    for (let x = 0; x < WIDTH; x++) dst[o + x] = HALF_ROWS[src[a + x]] | (HALF_ROWS[src[b + x]] << 4);
  }
}
