/*
 * The standard animation trace for display benchmarks and tests: 12 s at 30 fps of two procedural
 * eyes going through what the face does all day: an idle stretch, a Cozmo blink (7 frames of 33 ms,
 * eye heights .85 .6 .1 .05 .15 .7 .9), gaze shifts, an emotion transition (lower lids rise into a
 * smile over one second) and another idle stretch. Deterministic.
 */
import { clear, fillEllipse, fillRect, FRAME_BYTES } from "../../modules/face/raster.js";
import { BLINK_PERMILLE } from "../../modules/face/blink.js";

const BLINK = BLINK_PERMILLE.map((h) => h / 1000);

interface Pose {
  gazeX: number;
  gazeY: number;
  openness: number;
  /** 0..1: how far the lower lids have risen (a happy squint). */
  smile: number;
}

function drawEyes(frame: Uint8Array, p: Pose): void {
  clear(frame);
  const ry = Math.max(1, Math.round(16 * p.openness));
  for (const cx of [40, 88]) {
    const x = cx + p.gazeX;
    const y = 30 + p.gazeY;
    fillEllipse(frame, x, y, 14, ry, true);
    if (p.smile > 0) {
      // The lower lid: an ellipse of background rising from below the eye.
      const lift = Math.round(18 * p.smile);
      fillEllipse(frame, x, y + 16 + 12 - lift, 18, 12, false);
    }
  }
  // A small mouth line that widens with the smile.
  const half = 6 + Math.round(10 * p.smile);
  fillRect(frame, 64 - half, 54, 2 * half, 2, true);
}

export const TRACE_FPS = 30;

/** Yields the trace's frames (the same Uint8Array, redrawn each time: copy if you keep them). */
export function* standardTrace(): Generator<Uint8Array> {
  const frame = new Uint8Array(FRAME_BYTES);
  const pose: Pose = { gazeX: 0, gazeY: 0, openness: 1, smile: 0 };
  const hold = function* (n: number) {
    for (let i = 0; i < n; i++) {
      drawEyes(frame, pose);
      yield frame;
    }
  };
  yield* hold(60); // idle
  for (const h of BLINK) {
    pose.openness = h;
    yield* hold(1);
  }
  pose.openness = 1;
  yield* hold(30);
  for (const [dx, dy] of [[4, 0], [9, -1], [12, -2]]) {
    pose.gazeX = dx;
    pose.gazeY = dy;
    yield* hold(1);
  }
  yield* hold(40);
  for (const [dx, dy] of [[5, 0], [-6, 2], [-14, 3]]) {
    pose.gazeX = dx;
    pose.gazeY = dy;
    yield* hold(1);
  }
  yield* hold(30);
  pose.gazeX = 0;
  pose.gazeY = 0;
  for (let i = 1; i <= 30; i++) {
    pose.smile = i / 30;
    yield* hold(1);
  }
  for (const h of BLINK) {
    pose.openness = h;
    yield* hold(1);
  }
  pose.openness = 1;
  yield* hold(150); // idle again
}
