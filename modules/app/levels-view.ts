/*
 * A diagnostic screen until the faces arrive: one bar per neuromodulator level (left) and per emotion
 * probability (right), the dominant emotion's bar framed. Reads the engine's state, draws a
 * page-packed frame; allocation-free.
 */
import { ONE } from "../emotion/fixed.js";
import type { EmotionState } from "../emotion/engine.js";
import { clear, fillRect, vline } from "../face/raster.js";

const BAR_BOTTOM = 63;
const BAR_HEIGHT = 60;

function bar(frame: Uint8Array, x: number, value: number, framed: boolean): void {
  const h = (Math.imul(Math.min(ONE, Math.max(0, value)) >> 12, BAR_HEIGHT) >> 12) | 0;
  fillRect(frame, x, BAR_BOTTOM - h + 1, 6, h, true);
  if (framed) {
    vline(frame, x - 2, BAR_BOTTOM - BAR_HEIGHT, BAR_BOTTOM, true);
    vline(frame, x + 7, BAR_BOTTOM - BAR_HEIGHT, BAR_BOTTOM, true);
  }
}

export function drawLevels(frame: Uint8Array, state: EmotionState): void {
  clear(frame);
  const levels = state.levels;
  for (let i = 0; i < levels.length; i++) bar(frame, 2 + i * 9, levels[i], false);
  const p = state.probabilities;
  for (let e = 0; e < p.length; e++) bar(frame, 60 + e * 8 + (e > 3 ? 2 : 0), p[e], e === state.dominant);
}
