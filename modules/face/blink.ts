/*
 * Cozmo's blink (facts.md): seven 33 ms frames, the eye's height in each as a share of its open
 * height. The one definition: the animator squashes the eyes by it on the device, the face
 * generator draws blink stages with it, the display trace replays it.
 */
export const BLINK_FRAME_MS = 33;
/** Eye height per frame, in thousandths of the open eye: .85 .6 .1 .05 .15 .7 .9. */
export const BLINK_PERMILLE = Object.freeze([850, 600, 100, 50, 150, 700, 900]);
