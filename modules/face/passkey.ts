/*
 * The pairing overlay: six digits, zero-padded, full screen, drawn as seven-segment figures with
 * raster.ts's rectangles into a 1024-byte page-packed frame. Integer-only and allocation-free: the
 * firmware draws it every frame while a passkey is on show.
 */
import { clear, fillRect, HEIGHT, WIDTH } from "./raster.js";

export const PASSKEY_DIGITS = 6;
/** One digit cell: 18 x 40 pixels, 3 pixels apart: 6 * 18 + 5 * 3 = 123 of 128 columns. */
export const DIGIT_W = 18;
export const DIGIT_H = 40;
export const DIGIT_GAP = 3;
export const SEGMENT = 4;
export const DIGITS_X = (WIDTH - (PASSKEY_DIGITS * DIGIT_W + (PASSKEY_DIGITS - 1) * DIGIT_GAP)) >> 1;
export const DIGITS_Y = (HEIGHT - DIGIT_H) >> 1;

/** Segments a..g (bit 0 = a, top; b top right; c bottom right; d bottom; e bottom left; f top left; g middle). */
export const SEGMENTS = Object.freeze([0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f]);

/** Draws one digit 0..9 with its top-left corner at (x, y). */
export function drawDigit(frame: Uint8Array, x: number, y: number, digit: number): void {
  const s = SEGMENTS[digit];
  const w = DIGIT_W;
  const half = (DIGIT_H - SEGMENT) >> 1;
  if (s & 0x01) fillRect(frame, x, y, w, SEGMENT, true);
  if (s & 0x02) fillRect(frame, x + w - SEGMENT, y, SEGMENT, half + SEGMENT, true);
  if (s & 0x04) fillRect(frame, x + w - SEGMENT, y + half, SEGMENT, DIGIT_H - half, true);
  if (s & 0x08) fillRect(frame, x, y + DIGIT_H - SEGMENT, w, SEGMENT, true);
  if (s & 0x10) fillRect(frame, x, y + half, SEGMENT, DIGIT_H - half, true);
  if (s & 0x20) fillRect(frame, x, y, SEGMENT, half + SEGMENT, true);
  if (s & 0x40) fillRect(frame, x, y + half, w, SEGMENT, true);
}

/**
 * Clears `frame` and draws `passkey` (0..999999) as six zero-padded digits, full screen, with a
 * frame line round the edge so it reads as "not a face". A passkey out of range leaves it blank.
 */
export function drawPasskey(frame: Uint8Array, passkey: number): void {
  clear(frame);
  if (!(passkey >= 0 && passkey <= 999999)) return;
  fillRect(frame, 0, 0, WIDTH, 1, true);
  fillRect(frame, 0, HEIGHT - 1, WIDTH, 1, true);
  fillRect(frame, 0, 0, 1, HEIGHT, true);
  fillRect(frame, WIDTH - 1, 0, 1, HEIGHT, true);
  let v = passkey | 0;
  // Right to left: the last digit first, so zero padding falls out of the loop.
  for (let i = PASSKEY_DIGITS - 1; i >= 0; i--) {
    const q = (v / 10) | 0;
    drawDigit(frame, DIGITS_X + i * (DIGIT_W + DIGIT_GAP), DIGITS_Y, v - q * 10);
    v = q;
  }
}
