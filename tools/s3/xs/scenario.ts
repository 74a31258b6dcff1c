/*
 * The frame sequence the S3 XS run and the host both play (device code: ECMAScript only), so the
 * panel the S3's bus bytes draw can be compared with the host's for the same inputs.
 */
export const FRAMES = 120;
export const FRAME_MS = 33;
/** Frames after which the panel is photographed. */
export const SHOTS = [30, 60, 119];

/** The animator input of frame k: an emotion change at frame 20 (a transition, then blinks and
 *  breathing) and another, with a band change, at frame 70. */
export function scenarioState(k: number, state: { dominant: number; band: number; nuance: number }): void {
  if (k === 0) {
    state.dominant = 7;
    state.band = 0;
    state.nuance = 255;
  }
  if (k === 20) state.dominant = 3;
  if (k === 70) {
    state.dominant = 5;
    state.band = 2;
  }
}
