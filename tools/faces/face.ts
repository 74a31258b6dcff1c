/*
 * The parametric face: a black-and-white line sketch that fills the 128x64 screen, drawn as SVG and
 * rasterised by sharp (librsvg) with anti-aliasing. Parameters are continuous and follow FACS action
 * units, so every expression is a point in one family and in-between parameters give sane faces
 * (the latent decoder is trained on this family). Same parameters, same SVG, same pixels.
 */
import { type EmotionName } from "../../modules/emotion/names.js";
import { BLINK_PERMILLE } from "../../modules/face/blink.js";

export interface FaceParams {
  /** Eye opening: 0 closed, 1 relaxed, up to 1.3 wide (AU5 upper lid raiser; below 1, AU7 tightener). */
  eyeOpen: number;
  /** Upper lid slant, -1..1: positive lowers the inner corners (anger), negative the outer (sadness). */
  lidTilt: number;
  /** Lower lid raise, 0..1 (AU6 cheek raiser / AU7): the happy squint. */
  lowerLid: number;
  /** Inner brow, -1..1: up (AU1) or down (AU4). */
  browInner: number;
  /** Outer brow, -1..1: up (AU2) or down. */
  browOuter: number;
  /** Brows drawn together, 0..1 (AU4). */
  browPull: number;
  /** Pupil size, 0.6..1.4. */
  pupilSize: number;
  /** Gaze, -1..1 each: pupils move within the eyes. */
  gazeX: number;
  gazeY: number;
  /** Lip corners, -1..1: pulled up (AU12) or depressed (AU15). */
  mouthCurve: number;
  /** Jaw drop, 0..1 (AU26/27). */
  mouthOpen: number;
  /** Mouth width, 0.5..1.5: stretched (AU20) or tightened (AU23). */
  mouthWidth: number;
  /** One-sided lip corner, -1..1 (unilateral AU12+14: the smirk). */
  mouthSkew: number;
  /** Blushing cheeks, tears, sweat, heart-shaped pupils: 0..1 (drawn above 0.5). */
  blush: number;
  tear: number;
  sweat: number;
  heart: number;
  /** Zoom toward the viewer, 1..1.35: the author's zoom-in on strong emotions. */
  zoom: number;
  /** The whole face moved up (negative) or down, in pixels before zoom, -4..2: a lifted head, chin up (pride). */
  faceY: number;
  /** Bared teeth, 0..1 (drawn above 0.5): the upper teeth lit inside an open mouth (AU10+25, anger's shout). */
  teeth: number;
}

export const NEUTRAL: Readonly<FaceParams> = Object.freeze({
  eyeOpen: 1,
  lidTilt: 0,
  lowerLid: 0,
  browInner: 0,
  browOuter: 0,
  browPull: 0,
  pupilSize: 1,
  gazeX: 0,
  gazeY: 0,
  mouthCurve: 0,
  mouthOpen: 0,
  mouthWidth: 1,
  mouthSkew: 0,
  blush: 0,
  tear: 0,
  sweat: 0,
  heart: 0,
  zoom: 1,
  faceY: 0,
  teeth: 0,
});

/**
 * The faces whose intensities differ in kind, not only in degree, each band's parameters given
 * outright; love, calm and power after the Feeling Wheel's words per band
 * (modules/emotion/data/wheel.json). Each is drawn so that it reads on its own (issue 21: a fresh
 * viewer read the earlier power as "content", calm medium as "sleepy", joy mild as calm, love mild as
 * a plain smile, fear mild as surprise, and mad and sad as one face with steeper brows):
 * - fear: brows raised at the inner ends and pulled together, wide eyes, a stretched flat open
 *   mouth (not surprise's round O and round brows).
 * - mad: pressed lips, then a frown, then an open shout with bared teeth.
 * - joy: a squint and an open smile from mild on (a closed smile with open eyes read as calm).
 * - love: heart pupils and blush from mild on, growing; the open smile only at strong.
 * - sad: a small frown and a small drop, a deep frown and a drop on a stream, an open crying mouth
 *   with tears streaming from both eyes.
 * - calm (content, relaxed, serene): soft relaxed lids (open: calm mild is the robot's resting
 *   face, and it must blink), then eyes gently shut and curved upward, more at strong, and a soft
 *   smile: peaceful, never the heavy flat half lids that read as sleepy.
 * - power (hopeful, respected, proud): straight brows lifted at the outer ends, steady open eyes, a
 *   toothy grin, the head lifted (faceY). No smirk (it read as smug), no half lids (content).
 */
export const BAND_EXPRESSIONS: Readonly<Partial<Record<EmotionName, readonly [Partial<FaceParams>, Partial<FaceParams>, Partial<FaceParams>]>>> = {
  fear: [
    { browInner: 0.9, browOuter: -0.4, browPull: 0.8, eyeOpen: 1.08, lowerLid: 0.15, pupilSize: 0.7, mouthCurve: -0.15, mouthOpen: 0.6, mouthWidth: 1.25, sweat: 1 },
    { browInner: 1, browOuter: -0.35, browPull: 0.85, eyeOpen: 1.12, lowerLid: 0.2, pupilSize: 0.65, mouthCurve: -0.3, mouthOpen: 0.75, mouthWidth: 1.3, sweat: 1 },
    { browInner: 1, browOuter: -0.3, browPull: 0.9, eyeOpen: 1.18, lowerLid: 0.2, pupilSize: 0.6, mouthCurve: -0.45, mouthOpen: 0.95, mouthWidth: 1.3, sweat: 1 },
  ],
  mad: [
    { browInner: -0.6, browOuter: 0.6, browPull: 0.7, eyeOpen: 0.85, lidTilt: 0.55, lowerLid: 0.15, pupilSize: 0.9, mouthCurve: -0.1, mouthWidth: 0.72 },
    { browInner: -0.8, browOuter: 0.8, browPull: 0.85, eyeOpen: 0.72, lidTilt: 0.8, lowerLid: 0.25, pupilSize: 0.9, mouthCurve: -0.65, mouthWidth: 0.78 },
    { browInner: -1, browOuter: 1, browPull: 1, eyeOpen: 0.62, lidTilt: 1, lowerLid: 0.3, pupilSize: 0.9, mouthCurve: -0.4, mouthOpen: 1, mouthWidth: 1, teeth: 1 },
  ],
  joy: [
    { eyeOpen: 1, lowerLid: 0.62, browInner: 0.25, browOuter: 0.3, pupilSize: 0.75, mouthCurve: 0.8, mouthOpen: 0.75, mouthWidth: 1.05 },
    { eyeOpen: 1, lowerLid: 0.74, browInner: 0.3, browOuter: 0.4, pupilSize: 0.68, mouthCurve: 0.9, mouthOpen: 0.8, mouthWidth: 1.15 },
    { eyeOpen: 1, lowerLid: 0.85, browInner: 0.35, browOuter: 0.45, pupilSize: 0.6, mouthCurve: 1, mouthOpen: 0.85, mouthWidth: 1.25 },
  ],
  love: [
    { eyeOpen: 0.92, lowerLid: 0.35, browInner: 0.4, browOuter: 0.1, mouthCurve: 0.6, mouthWidth: 0.8, blush: 0.6, heart: 1 },
    { eyeOpen: 0.95, lowerLid: 0.3, browInner: 0.45, browOuter: 0.15, pupilSize: 1.25, mouthCurve: 0.75, mouthWidth: 0.85, blush: 0.8, heart: 1 },
    { eyeOpen: 1, lowerLid: 0.15, browInner: 0.5, browOuter: 0.2, pupilSize: 1.55, mouthCurve: 0.9, mouthOpen: 0.5, mouthWidth: 1, blush: 1, heart: 1 },
  ],
  sad: [
    { browInner: 0.6, browOuter: -0.35, browPull: 0.3, eyeOpen: 0.88, lidTilt: -0.5, mouthCurve: -0.7, mouthWidth: 0.55, gazeY: 0.4, tear: 0.55 },
    { browInner: 0.8, browOuter: -0.5, browPull: 0.4, eyeOpen: 0.78, lidTilt: -0.7, mouthCurve: -1, mouthWidth: 0.75, gazeY: 0.5, tear: 0.85 },
    { browInner: 1, browOuter: -0.6, browPull: 0.45, eyeOpen: 0.7, lidTilt: -0.85, mouthCurve: -1, mouthOpen: 0.6, mouthWidth: 0.95, gazeY: 0.6, tear: 1 },
  ],
  calm: [
    { eyeOpen: 0.68, lowerLid: 0.22, browInner: 0.15, browOuter: 0.05, mouthCurve: 0.4, mouthWidth: 0.75 },
    { eyeOpen: 0.08, lowerLid: 0.65, browInner: 0.15, browOuter: 0.05, mouthCurve: 0.45, mouthWidth: 0.8 },
    { eyeOpen: 0, lowerLid: 0.75, browInner: 0.2, browOuter: 0.1, mouthCurve: 0.5, mouthWidth: 0.85 },
  ],
  power: [
    { eyeOpen: 1, browInner: 0, browOuter: 0.6, browPull: 1, mouthCurve: 0.75, mouthOpen: 0.4, mouthWidth: 1.25, teeth: 1, faceY: -3 },
    { eyeOpen: 1, browInner: 0.05, browOuter: 0.75, browPull: 1, mouthCurve: 0.85, mouthOpen: 0.45, mouthWidth: 1.35, teeth: 1, faceY: -3.5 },
    { eyeOpen: 1, browInner: 0.1, browOuter: 0.9, browPull: 1, mouthCurve: 0.95, mouthOpen: 0.5, mouthWidth: 1.45, teeth: 1, faceY: -4 },
  ],
};

/**
 * Each emotion at full strength, as FACS action units (facts.md): happiness 6+12, sadness 1+4+15,
 * surprise 1+2+5+26, fear 1+2+4+5+7+20+26, anger 4+5+7+23. Those with bands of their own are their
 * strong band (BAND_EXPRESSIONS). The cue list per face is in docs/faces.md.
 */
export const EXPRESSIONS: Readonly<Record<EmotionName, Partial<FaceParams>>> = {
  fear: BAND_EXPRESSIONS.fear![2],
  mad: BAND_EXPRESSIONS.mad![2],
  joy: BAND_EXPRESSIONS.joy![2],
  love: BAND_EXPRESSIONS.love![2],
  sad: BAND_EXPRESSIONS.sad![2],
  surprise: { browInner: 1, browOuter: 1, eyeOpen: 1.25, pupilSize: 0.68, mouthOpen: 1, mouthWidth: 0.5 },
  power: BAND_EXPRESSIONS.power![2],
  calm: BAND_EXPRESSIONS.calm![2],
};

/** The signature extras: drawn above 0.5, shown at full strength in every band. */
export const EXTRAS = ["blush", "tear", "sweat", "heart"] as const;

/** How far from neutral each intensity band goes, and its zoom (strong emotions fill the screen). */
export const BAND_AMOUNT = [0.6, 0.8, 1] as const;
export const BAND_ZOOM = [1, 1.05, 1.12] as const;

/** The face at blink stage `stage` (0..6): the eyes close by Cozmo's height factors (modules/face/blink.ts). */
export function blinkStage(p: FaceParams, stage: number): FaceParams {
  return { ...p, eyeOpen: (p.eyeOpen * BLINK_PERMILLE[stage]) / 1000 };
}

/** Nine gaze directions: -1, 0 or 1 across and down, as in RoboEyes. */
export function gazeDirection(p: FaceParams, x: -1 | 0 | 1, y: -1 | 0 | 1): FaceParams {
  return { ...p, gazeX: x, gazeY: y };
}

export function lerpParams(a: FaceParams, b: FaceParams, t: number): FaceParams {
  const out = { ...a };
  for (const k of Object.keys(a) as (keyof FaceParams)[]) out[k] = a[k] + (b[k] - a[k]) * t;
  return out;
}

/** The keyframe parameters for an emotion at intensity band 0 (mild), 1 (medium) or 2 (strong). */
export function expression(emotion: EmotionName, band: number): FaceParams {
  const bands = BAND_EXPRESSIONS[emotion];
  if (bands) return { ...NEUTRAL, ...bands[band], zoom: BAND_ZOOM[band] };
  const full: FaceParams = { ...NEUTRAL, ...EXPRESSIONS[emotion] };
  const p = lerpParams({ ...NEUTRAL }, full, BAND_AMOUNT[band]);
  for (const k of EXTRAS) p[k] = full[k];
  p.zoom = BAND_ZOOM[band];
  return p;
}

const f = (x: number) => (Math.round(x * 100) / 100).toString();

/** The point the zoom grows from: between the eyes and the mouth. */
const ZOOM_CY = 32;

/** Screen geometry of the face before zoom. */
export const GEOMETRY = { eyeY: 29, eyeDX: 28, eyeRX: 15, eyeRY: 10, mouthY: 49, stroke: 1.9 } as const;

/**
 * Two drawing styles of the same face. Bold (the default): filled eyes with dark pupils and a
 * highlight, 3 px brows and mouth, readable from a metre away on a 0.96" panel. Outline: the line
 * sketch (about 2 px strokes, hollow eyes, lit pupils).
 */
export type FaceStyle = "bold" | "outline";
export const FACE_STYLES: readonly FaceStyle[] = ["bold", "outline"];

export interface SvgOptions {
  style?: FaceStyle;
  /** Extra border around the 128x64 screen (tests: ink there would be clipped on the panel). */
  margin?: number;
  /** Draw only one part (tests: where the brows and the eyes lie). */
  only?: "eyes" | "brows";
}

const STROKES: Record<FaceStyle, { line: number; brow: number; lid: number }> = {
  bold: { line: 3, brow: 3.2, lid: 2.4 },
  outline: { line: GEOMETRY.stroke, brow: GEOMETRY.stroke * 1.25, lid: GEOMETRY.stroke },
};

/** How far a shut eye's lids bow upward at full cheek raise (lowerLid 1), in pixels before zoom. */
const CURL = 30;

/** Clear space between the lowest brow pixel and the top of the eye box, in pixels before zoom. */
const BROW_GAP = 2.5;
/** Ink keeps this far from the screen's edges at every zoom (breathing lifts the face one pixel). */
const EDGE = 2;

export interface EyeBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface EyeShape {
  side: number;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  open: number;
  /** Upper lid: quadratic from (x0,u0) through control (cx,uTop) to (x1,u1); lower lid likewise. */
  x0: number;
  x1: number;
  u0: number;
  u1: number;
  uTop: number;
  lowerBase: number;
  lc: number;
  /** The visible eye's top and bottom (lid strokes included), before zoom. */
  top: number;
  bottom: number;
}

function quadAt(a: number, c: number, b: number, t: number): number {
  return (1 - t) * (1 - t) * a + 2 * t * (1 - t) * c + t * t * b;
}

/** Where an eye's lids lie, and how far its visible part reaches up and down. */
function eyeShape(p: FaceParams, side: number, lidStroke: number): EyeShape {
  const g = GEOMETRY;
  const cx = 64 + side * g.eyeDX;
  const cy = g.eyeY + p.faceY;
  const rx = g.eyeRX;
  const ry = g.eyeRY * Math.max(1, p.eyeOpen);
  const open = Math.max(0, Math.min(1, p.eyeOpen));
  // Upper lid: a gentle arch that descends as the eye closes (faster at first, so half-open eyes
  // look heavy-lidded); tilt lowers the inner (or outer) corner. Near closing the lower lid rises
  // to meet it, so a closed eye is one line.
  const inner = -side; // direction toward the nose
  // Closing with raised cheeks (AU6, lowerLid) curls the shut eye upward, both lids together, so
  // a smiling closed eye is a bent line (^), not a bar; the curl is centred on the eye.
  const closing = Math.max(0, 0.3 - open) / 0.3;
  const curl = closing * p.lowerLid * CURL;
  const uc = cy + ry * 0.2 - (ry * 1.2 + 2) * open * open + 0.3 * curl;
  const tiltAt = (x: number) => p.lidTilt * 0.45 * (x - cx) * inner;
  const x0 = cx - rx - 3;
  const x1 = cx + rx + 3;
  const u0 = uc + tiltAt(x0);
  const u1 = uc + tiltAt(x1);
  const base = 1 + open;
  const arch = base + curl;
  const lowerBase = cy + ry + 2 - closing * (cy + ry + 2 - (uc + base / 2));
  const lift = p.lowerLid * ry * 1.25 * (1 - closing) + curl / 2;
  const lc = lowerBase - 2 * lift;
  const uTop = uc - arch;
  let top = Infinity;
  let bottom = -Infinity;
  const half = lidStroke / 2;
  for (let i = 0; i <= 60; i++) {
    const x = cx - rx + (2 * rx * i) / 60;
    const t = (x - x0) / (x1 - x0);
    const e = ry * Math.sqrt(Math.max(0, 1 - ((x - cx) / rx) ** 2));
    const lid = quadAt(u0, uTop, u1, t);
    const low = quadAt(lowerBase, lc, lowerBase, t);
    const hi = Math.max(cy - e, lid - half);
    const lo = Math.min(cy + e, Math.max(low, lid) + half);
    if (hi <= lo) {
      top = Math.min(top, hi);
      bottom = Math.max(bottom, lo);
    }
  }
  if (top === Infinity) top = bottom = uc;
  return { side, cx, cy, rx, ry, open, x0, x1, u0, u1, uTop, lowerBase, lc, top, bottom };
}

/** y before zoom -> y on screen, and back. */
const zoomY = (y: number, z: number) => ZOOM_CY + (y - ZOOM_CY) * z;
const unzoomY = (y: number, z: number) => ZOOM_CY + (y - ZOOM_CY) / z;

/**
 * Bounding boxes of both eyes on the 128x64 screen: every pixel the visible eye (lids, pupil,
 * highlight) can light, nothing of the brows (they are laid out above the box, BROW_GAP clear).
 * The animator squashes (blinks) and shifts (saccades) exactly these pixels.
 */
export function eyeBoxes(p: FaceParams, style: FaceStyle = "bold"): EyeBox[] {
  return [-1, 1].map((side) => {
    const e = eyeShape(p, side, STROKES[style].lid);
    const z = p.zoom;
    const x0 = Math.floor(64 + (e.cx - e.rx - 1 - 64) * z);
    const x1 = Math.ceil(64 + (e.cx + e.rx + 1 - 64) * z);
    const y0 = Math.floor(zoomY(e.top - 1, z));
    const y1 = Math.ceil(zoomY(e.bottom + 1, z));
    return { x0: clampInt(x0, 0, 127), y0: clampInt(y0, 0, 63), x1: clampInt(x1, 0, 127), y1: clampInt(y1, 0, 63) };
  });
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/** The face as an SVG document, white ink on black, 128x64 (plus `margin` all round). */
export function faceSvg(p: FaceParams, options: SvgOptions = {}): string {
  const style = options.style ?? "bold";
  const bold = style === "bold";
  const s = STROKES[style];
  const z = p.zoom;
  const parts: string[] = [];
  const defs: string[] = [];
  const want = (part: "eyes" | "brows" | "rest") => options.only === undefined || options.only === part;
  // The highest and lowest a line's centre may go (before zoom) so the stroke stays on screen.
  const topLimit = (stroke: number) => unzoomY(EDGE + stroke / 2, z);
  const bottomLimit = (stroke: number) => unzoomY(63 - EDGE - stroke / 2, z);
  for (const side of [-1, 1]) {
    const id = side < 0 ? "l" : "r";
    const e = eyeShape(p, side, s.lid);
    const { cx, cy, rx, ry, x0, x1, u0, u1, uTop, lowerBase, lc } = e;
    const inner = -side;
    const upper = `M${f(x0)} ${f(u0)} Q${f(cx)} ${f(uTop)} ${f(x1)} ${f(u1)}`;
    const lower = `M${f(x0)} ${f(lowerBase)} Q${f(cx)} ${f(lc)} ${f(x1)} ${f(lowerBase)}`;
    const lidRegion = `${upper} L${f(x1)} ${f(lowerBase)} Q${f(cx)} ${f(lc)} ${f(x0)} ${f(lowerBase)} Z`;
    defs.push(`<clipPath id="lid${id}"><path d="${lidRegion}"/></clipPath>`);
    defs.push(`<clipPath id="eye${id}"><ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx)}" ry="${f(ry)}"/></clipPath>`);
    const px = cx + p.gazeX * rx * 0.45;
    const py = cy + p.gazeY * ry * 0.35;
    const pr = (bold ? 0.5 : 0.42) * GEOMETRY.eyeRY * p.pupilSize;
    if (want("eyes")) {
      if (bold) {
        // A filled eye between the lids, a dark pupil (or heart) with a lit highlight, and the
        // upper lid as a thick line so a closed eye is still a bold stroke.
        const hr = Math.max(1.4, pr * 0.34);
        const pupil = p.heart > 0.5 ? `<path d="${heartPath(px, py, pr * 1.3)}" fill="#000"/>` : `<circle cx="${f(px)}" cy="${f(py)}" r="${f(pr)}" fill="#000"/>`;
        const glint = `<circle cx="${f(px - pr * 0.42)}" cy="${f(py - pr * 0.42)}" r="${f(hr)}" fill="#fff"/>`;
        parts.push(`<g clip-path="url(#eye${id})"><g clip-path="url(#lid${id})"><ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx)}" ry="${f(ry)}" fill="#fff"/>${pupil}${glint}</g>`);
        parts.push(`<path d="${upper}" fill="none" stroke="#fff" stroke-width="${f(s.lid)}"/></g>`);
      } else {
        // Eye outline where the lids leave it visible; the lid lines inside the eye; a lit pupil.
        parts.push(`<g clip-path="url(#lid${id})"><ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx - s.line / 2)}" ry="${f(ry - s.line / 2)}" fill="none" stroke="#fff" stroke-width="${f(s.line)}"/></g>`);
        parts.push(`<g clip-path="url(#eye${id})"><path d="${upper}" fill="none" stroke="#fff" stroke-width="${f(s.lid)}"/><path d="${lower}" fill="none" stroke="#fff" stroke-width="${f(s.lid)}"/></g>`);
        const pupil = p.heart > 0.5 ? `<path d="${heartPath(px, py, pr * 1.25)}" fill="#fff"/>` : `<circle cx="${f(px)}" cy="${f(py)}" r="${f(pr)}" fill="#fff"/>`;
        parts.push(`<g clip-path="url(#eye${id})"><g clip-path="url(#lid${id})">${pupil}</g></g>`);
      }
    }
    // Brow: from inner to outer end, raised (AU1, AU2), lowered and pulled together (AU4). It stays
    // above the eye box (so blinks and saccades never carry a piece of it) and below the top edge.
    const browY = cy - ry - 5;
    const bi = [cx + inner * (rx * 0.75 - p.browPull * 3), browY - p.browInner * 5 + p.browPull * 2];
    const bo = [cx - inner * rx * 0.95, browY - p.browOuter * 4];
    const bc = [cx + inner * rx * 0.1, (bi[1] + bo[1]) / 2 - 3 * (1 - p.browPull)];
    const low = e.top - 1 - BROW_GAP - s.brow / 2;
    const high = topLimit(s.brow);
    // Lift the whole brow (its slant kept) until its lower end clears the eye, then keep the ends
    // on screen.
    const excess = Math.max(bi[1], bo[1]) - low;
    if (excess > 0) for (const pt of [bi, bo, bc]) pt[1] -= excess;
    for (const pt of [bi, bo]) pt[1] = Math.max(high, Math.min(low, pt[1]));
    // The curve's highest point is a quarter of each end and half the control: keep it on screen.
    bc[1] = Math.min(low, Math.max(bc[1], (4 * high - bi[1] - bo[1]) / 2));
    if (want("brows")) parts.push(`<path d="M${f(bi[0])} ${f(bi[1])} Q${f(bc[0])} ${f(bc[1])} ${f(bo[0])} ${f(bo[1])}" fill="none" stroke="#fff" stroke-width="${f(s.brow)}" stroke-linecap="round"/>`);
    if (!want("rest")) continue;
    if (p.blush > 0.5) {
      // Two marks for a light blush, three, then four at full blush, growing outward from the
      // inner one (so a wide smile keeps clear of them).
      const marks = p.blush >= 0.95 ? 4 : p.blush >= 0.75 ? 3 : 2;
      for (let k = 0; k < marks; k++) {
        const bx = cx - side * (8.5 - k * 4.5);
        const by = e.bottom + 5;
        parts.push(`<path d="M${f(bx + 1.5)} ${f(by - 1.5)} L${f(bx - 1.5)} ${f(by + 1.5)}" stroke="#fff" stroke-width="${bold ? 1.8 : 1.2}" stroke-linecap="round"/>`);
      }
    }
    // The tear grows with sadness: a small drop at 0.5, a full drop, then (above 0.75) a stream
    // down the cheek with the drop at its end, and from 0.95 a second one under the other eye.
    if (p.tear > 0.5 && (side > 0 || p.tear >= 0.95)) {
      const k = Math.min(1, (p.tear - 0.5) / 0.5);
      const sz = 0.7 + 0.3 * k;
      const tx = cx - inner * rx * 0.5;
      const ty = e.bottom + 1.5;
      const stream = Math.max(0, Math.min((k - 0.5) * 2 * 11, bottomLimit(0) - ty - 9 * sz));
      // The stream starts 1 px below the drop's tip, square-ended, so no pixel of it lies in the eye
      // box (a blink would carry it).
      if (stream > 1.5) parts.push(`<path d="M${f(tx)} ${f(ty + 1)} L${f(tx)} ${f(ty + stream + 1)}" stroke="#fff" stroke-width="${bold ? 2.6 : 1.6}"/>`);
      parts.push(`<path d="${dropPath(tx, ty + stream, sz)}" fill="#fff"/>`);
    }
    if (p.sweat > 0.5 && side > 0) {
      const sx = cx + rx + 6;
      const sy = Math.max(topLimit(0), cy - ry);
      const d = `M${f(sx)} ${f(sy)} Q${f(sx + 5.5)} ${f(sy + 7.5)} ${f(sx)} ${f(sy + 10)} Q${f(sx - 5.5)} ${f(sy + 7.5)} ${f(sx)} ${f(sy)} Z`;
      parts.push(bold ? `<path d="${d}" fill="#fff"/>` : `<path d="${d}" fill="none" stroke="#fff" stroke-width="1.4"/>`);
    }
  }
  if (want("rest")) parts.push(mouthSvg(p, s.line, bottomLimit(s.line)));
  const m = options.margin ?? 0;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${128 + 2 * m}" height="${64 + 2 * m}" viewBox="${-m} ${-m} ${128 + 2 * m} ${64 + 2 * m}">` +
    `<defs>${defs.join("")}</defs><rect x="${-m}" y="${-m}" width="${128 + 2 * m}" height="${64 + 2 * m}" fill="#000"/>` +
    `<g transform="translate(64 ${ZOOM_CY}) scale(${f(z)}) translate(-64 -${ZOOM_CY})">${parts.join("")}</g></svg>`
  );
}

/**
 * Mouth: corners up or down (AU12/AU15), width (AU20/AU23), skew (unilateral AU12), jaw drop
 * (AU26). An open mouth is two cubic lips: a narrow one has vertical tangents at the corners (a
 * round O), a wide one pointed corners (a grin); its lower lip stops above the bottom edge.
 */
function mouthSvg(p: FaceParams, sw: number, bottom: number): string {
  const my = GEOMETRY.mouthY + p.faceY;
  const hw = 13 * p.mouthWidth;
  const lcY = my - p.mouthCurve * 4.5 + p.mouthSkew * 1;
  const rcY = my - p.mouthCurve * 4.5 - p.mouthSkew * 4;
  const mx = 64 + p.mouthSkew * 3;
  const lx = mx - hw;
  const rx = mx + hw;
  if (p.mouthOpen <= 0.08) {
    const curve = my + p.mouthCurve * 5;
    return `<path d="M${f(lx)} ${f(lcY)} Q${f(mx)} ${f(curve)} ${f(rx)} ${f(rcY)}" fill="none" stroke="#fff" stroke-width="${f(sw)}" stroke-linecap="round"/>`;
  }
  const cornerY = (lcY + rcY) / 2;
  const mid = cornerY + p.mouthCurve * 4.5;
  const narrow = Math.max(0, Math.min(1, (0.85 - p.mouthWidth) / 0.3));
  const upMid = mid - p.mouthOpen * (2 + 5 * narrow);
  const downMid = Math.min(bottom, mid + p.mouthOpen * (7 + 1 * narrow));
  // A cubic with both controls at height c reaches 3/4 of the way from its ends to c.
  const ctrl = (m: number) => cornerY + (m - cornerY) / 0.75;
  const inset = hw * 0.45 * (1 - narrow);
  const up = ctrl(upMid);
  const down = ctrl(downMid);
  const d = `M${f(lx)} ${f(lcY)} C${f(lx + inset)} ${f(up)} ${f(rx - inset)} ${f(up)} ${f(rx)} ${f(rcY)} C${f(rx - inset)} ${f(down)} ${f(lx + inset)} ${f(down)} ${f(lx)} ${f(lcY)} Z`;
  let teeth = "";
  if (p.teeth > 0.5) {
    // Bared upper teeth: the top of the open mouth lit, down to 40% of the opening, split by dark
    // gaps so it reads as teeth and not as a thick lip.
    const top = Math.min(upMid, cornerY) - 2;
    const edge = upMid + (downMid - upMid) * 0.55;
    const gaps: string[] = [];
    for (let x = mx - hw + 5.5; x < mx + hw - 3; x += 5) gaps.push(`M${f(x)} ${f(top)} L${f(x)} ${f(edge)}`);
    teeth =
      `<clipPath id="mouth"><path d="${d}"/></clipPath><g clip-path="url(#mouth)"><rect x="${f(lx)}" y="${f(top)}" width="${f(2 * hw)}" height="${f(edge - top)}" fill="#fff"/>` +
      `<path d="${gaps.join(" ")}" stroke="#000" stroke-width="1.6"/></g>`;
  }
  return `<path d="${d}" fill="#000"/>${teeth}<path d="${d}" fill="none" stroke="#fff" stroke-width="${f(sw)}" stroke-linejoin="round"/>`;
}

function dropPath(x: number, y: number, s: number): string {
  const X = (d: number) => f(x + d * s);
  const Y = (d: number) => f(y + d * s);
  return (
    `M${X(0)} ${Y(0)} C${X(1)} ${Y(3)} ${X(3.2)} ${Y(4.5)} ${X(3.2)} ${Y(6.3)} C${X(3.2)} ${Y(8.2)} ${X(1.8)} ${Y(9)} ${X(0)} ${Y(9)} ` +
    `C${X(-1.8)} ${Y(9)} ${X(-3.2)} ${Y(8.2)} ${X(-3.2)} ${Y(6.3)} C${X(-3.2)} ${Y(4.5)} ${X(-1)} ${Y(3)} ${X(0)} ${Y(0)} Z`
  );
}

function heartPath(x: number, y: number, r: number): string {
  return (
    `M${f(x)} ${f(y + r * 0.9)} ` +
    `C${f(x - r * 1.3)} ${f(y)} ${f(x - r * 0.9)} ${f(y - r)} ${f(x)} ${f(y - r * 0.35)} ` +
    `C${f(x + r * 0.9)} ${f(y - r)} ${f(x + r * 1.3)} ${f(y)} ${f(x)} ${f(y + r * 0.9)} Z`
  );
}
