/*
 * The held-out in-between drawings (examples/inbetweens/, README there): eight distinct faces, one per
 * emotion, and for chosen pairs of them the face halfway between, drawn by the same hand and never
 * packed. The hand is not the face generator's nor the drawings test's: a felt-tip marker on cream
 * 512x256 paper, strokes that wobble (a seeded low-frequency tremor along each line) and swell in
 * width, round pupils, no guides. A face is five numbers, so the in-between of two faces is the face
 * of their numbers' midpoint: the bend a person would draw, not a blend of pixels.
 */
import { join } from "node:path";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

export const INBETWEENS_DIR = join(REPO_ROOT, "examples", "inbetweens");
export const keyFile = (e: string) => join(INBETWEENS_DIR, "keys", `${e}-medium.png`);
export const betweenFile = (p: HeldOutPair) => join(INBETWEENS_DIR, "between", `${p.a}-${p.b}.png`);

export interface HandFace {
  /** Brow tilt: + inner ends down (cross), - inner ends up (worried). */
  tilt: number;
  /** Brows raised (surprise), in brow heights. */
  raise: number;
  /** Eyes open: 1 round, 0 closed (a lid line). */
  open: number;
  /** Mouth curve: + corners up (smile), - corners down. */
  curve: number;
}

const NEUTRAL: HandFace = { tilt: 0, raise: 0, open: 1, curve: 0 };

/** The eight keyframes: each differs from calm in one part (two for none), so pairs isolate a part. */
export const KEYS: Record<(typeof EMOTIONS)[number], HandFace> = {
  calm: NEUTRAL,
  joy: { ...NEUTRAL, curve: 1 },
  sad: { ...NEUTRAL, curve: -1 },
  mad: { ...NEUTRAL, tilt: 1 },
  fear: { ...NEUTRAL, tilt: -1 },
  surprise: { ...NEUTRAL, raise: 1 },
  love: { ...NEUTRAL, open: 0 },
  power: { ...NEUTRAL, open: 0.3 },
};

export interface HeldOutPair {
  a: (typeof EMOTIONS)[number];
  b: (typeof EMOTIONS)[number];
  /** The face part that moves, for the report. */
  part: "mouth" | "brows" | "eyes";
  what: string;
}

/** Pairs with a drawn in-between; none of those in-betweens is, or nearly is, one of the keyframes. */
export const PAIRS: HeldOutPair[] = [
  { a: "calm", b: "joy", part: "mouth", what: "flat to smile" },
  { a: "calm", b: "sad", part: "mouth", what: "flat to frown" },
  { a: "mad", b: "joy", part: "mouth", what: "smile, brows untilting" },
  { a: "calm", b: "mad", part: "brows", what: "tilting in" },
  { a: "calm", b: "fear", part: "brows", what: "tilting out" },
  { a: "calm", b: "surprise", part: "brows", what: "rising" },
  { a: "calm", b: "love", part: "eyes", what: "closing" },
  { a: "calm", b: "power", part: "eyes", what: "narrowing" },
  { a: "power", b: "love", part: "eyes", what: "narrow to closed" },
];

export const mix = (a: HandFace, b: HandFace, t: number): HandFace => ({
  tilt: a.tilt + (b.tilt - a.tilt) * t,
  raise: a.raise + (b.raise - a.raise) * t,
  open: a.open + (b.open - a.open) * t,
  curve: a.curve + (b.curve - a.curve) * t,
});

/** A seeded tremor: the same stroke wobbles the same way in every drawing (one hand, one pen). */
function tremor(seed: number, u: number): number {
  return 1.6 * Math.sin(u * 7.1 + seed * 1.7) + 0.9 * Math.sin(u * 13.3 + seed * 4.1);
}

/** A marker stroke through the points of f(u), u in 0..1: a polyline that wobbles across its direction, drawn as round-capped segments swelling in width. */
function stroke(seed: number, f: (u: number) => [number, number], width: number, n = 28): string {
  const pts: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    const u = i / n;
    const [x, y] = f(u);
    const [x1, y1] = f(Math.min(1, u + 0.01));
    const [x0, y0] = f(Math.max(0, u - 0.01));
    const len = Math.hypot(x1 - x0, y1 - y0) || 1;
    const w = tremor(seed, u);
    pts.push([x - ((y1 - y0) / len) * w, y + ((x1 - x0) / len) * w]);
  }
  let out = "";
  for (let i = 0; i < n; i++) {
    const sw = width * (0.85 + 0.3 * Math.sin(Math.PI * (i / n)));
    out += `<line x1="${pts[i][0].toFixed(1)}" y1="${pts[i][1].toFixed(1)}" x2="${pts[i + 1][0].toFixed(1)}" y2="${pts[i + 1][1].toFixed(1)}" stroke-width="${sw.toFixed(1)}"/>`;
  }
  return out;
}

/** The face as an SVG document, 512x256, dark ink on cream paper. */
export function handSvg(f: HandFace): string {
  const W = 13; // pen width: about 3 px once fitted to the 128x64 screen
  const parts: string[] = [];
  for (const side of [-1, 1]) {
    const cx = 256 + side * 118;
    const cy = 112;
    // Brow: a straight stroke above the eye; tilt turns it about its middle, raise lifts it.
    const by = 52 - f.raise * 22;
    const dy = f.tilt * 16;
    const inner = cx - side * 46;
    const outer = cx + side * 46;
    parts.push(stroke(side + 3, (u) => [inner + (outer - inner) * u, by + dy * (1 - u) - dy * u], W));
    // Eye: a ring 84 wide whose height closes with `open` into a lid line; the pupil shrinks with it.
    const rx = 40;
    const ry = 4 + 30 * f.open;
    parts.push(stroke(side + 7, (u) => [cx + rx * Math.cos(2 * Math.PI * u), cy + ry * Math.sin(2 * Math.PI * u)], W, 40));
    const pr = 13 * Math.min(1, f.open * 1.4);
    if (pr > 3) parts.push(`<circle cx="${cx}" cy="${cy}" r="${pr.toFixed(1)}" fill="#1c1b2a" stroke="none"/>`);
  }
  // Mouth: a parabola from corner to corner, corners up for a smile.
  const sag = 34 * f.curve;
  parts.push(stroke(11, (u) => [176 + 160 * u, 206 - sag + 4 * sag * u * (1 - u) - 0], W));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="256"><rect width="512" height="256" fill="#f3efe2"/><g stroke="#1c1b2a" stroke-linecap="round" fill="none">${parts.join("")}</g></svg>`;
}
