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
});

/**
 * Each emotion at full strength, as FACS action units (facts.md): happiness 6+12, sadness 1+4+15,
 * surprise 1+2+5+26, fear 1+2+4+5+7+20+26, anger 4+5+7+23, contempt/pride unilateral 12+14.
 */
export const EXPRESSIONS: Readonly<Record<EmotionName, Partial<FaceParams>>> = {
  fear: { browInner: 0.9, browOuter: 0.5, browPull: 0.7, eyeOpen: 1.28, lowerLid: 0.25, pupilSize: 0.7, mouthWidth: 1.4, mouthOpen: 0.35, mouthCurve: -0.35, sweat: 1 },
  mad: { browInner: -1, browOuter: 0.35, browPull: 1, eyeOpen: 0.62, lidTilt: 0.85, lowerLid: 0.3, mouthCurve: -0.45, mouthWidth: 0.7 },
  joy: { eyeOpen: 0.95, lowerLid: 0.65, browInner: 0.2, browOuter: 0.25, mouthCurve: 1, mouthOpen: 0.4, mouthWidth: 1.2 },
  love: { eyeOpen: 0.8, lowerLid: 0.45, browInner: 0.35, mouthCurve: 0.75, mouthWidth: 0.85, blush: 1, heart: 1 },
  sad: { browInner: 0.9, browOuter: -0.45, browPull: 0.35, eyeOpen: 0.62, lidTilt: -0.6, mouthCurve: -0.85, mouthWidth: 0.8, gazeY: 0.5, tear: 1 },
  surprise: { browInner: 0.85, browOuter: 0.85, eyeOpen: 1.2, pupilSize: 0.75, mouthOpen: 1, mouthWidth: 0.55 },
  power: { eyeOpen: 0.72, lidTilt: 0.2, browInner: -0.15, browOuter: 0.35, mouthCurve: 0.45, mouthSkew: 0.85, mouthWidth: 1 },
  calm: { eyeOpen: 0.82, lowerLid: 0.12, mouthCurve: 0.28, mouthWidth: 0.8 },
};

/** How far from neutral each intensity band goes, and its zoom (strong emotions fill the screen). */
export const BAND_AMOUNT = [0.45, 0.75, 1] as const;
export const BAND_ZOOM = [1, 1.06, 1.18] as const;

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
  const full: FaceParams = { ...NEUTRAL, ...EXPRESSIONS[emotion] };
  const p = lerpParams({ ...NEUTRAL }, full, BAND_AMOUNT[band]);
  p.zoom = BAND_ZOOM[band];
  return p;
}

const f = (x: number) => (Math.round(x * 100) / 100).toString();

/** Screen geometry of the face before zoom. */
/** The point the zoom grows from: between the eyes and the mouth. */
const ZOOM_CY = 32;

export const GEOMETRY = { eyeY: 29, eyeDX: 27, eyeRX: 15, eyeRY: 11, mouthY: 51, stroke: 1.9 } as const;

export interface EyeBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Bounding boxes of both eyes (lids and pupils included) on the 128x64 screen, clamped. */
export function eyeBoxes(p: FaceParams): EyeBox[] {
  const g = GEOMETRY;
  const ry = g.eyeRY * Math.max(1, p.eyeOpen);
  return [-1, 1].map((side) => {
    const cx = 64 + side * g.eyeDX;
    const box = [cx - g.eyeRX - 2, g.eyeY - ry - 2, cx + g.eyeRX + 2, g.eyeY + ry + 2].map((v, i) => {
      const c = i % 2 === 0 ? 64 : ZOOM_CY;
      return Math.round(c + (v - c) * p.zoom);
    });
    return { x0: clampInt(box[0], 0, 127), y0: clampInt(box[1], 0, 63), x1: clampInt(box[2], 0, 127), y1: clampInt(box[3], 0, 63) };
  });
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/** The face as an SVG document, white ink on black, 128x64. */
export function faceSvg(p: FaceParams): string {
  const g = GEOMETRY;
  const sw = g.stroke;
  const parts: string[] = [];
  const defs: string[] = [];
  const ry = g.eyeRY * Math.max(1, p.eyeOpen);
  const open = Math.max(0, Math.min(1, p.eyeOpen));
  for (const side of [-1, 1]) {
    const id = side < 0 ? "l" : "r";
    const cx = 64 + side * g.eyeDX;
    const cy = g.eyeY;
    const rx = g.eyeRX;
    // Upper lid: a gentle arch that descends as the eye closes (faster at first, so half-open eyes
    // look heavy-lidded); tilt lowers the inner (or outer) corner. Near closing the lower lid rises
    // to meet it, so a closed eye is one line.
    const inner = -side; // direction toward the nose
    const uc = cy + ry * 0.2 - (ry * 1.2 + 2) * open * open;
    const tiltAt = (x: number) => p.lidTilt * 0.45 * (x - cx) * inner;
    const x0 = cx - rx - 3;
    const x1 = cx + rx + 3;
    const u0 = uc + tiltAt(x0);
    const u1 = uc + tiltAt(x1);
    const arch = 1 + open;
    const closing = Math.max(0, 0.3 - open) / 0.3;
    const lowerBase = cy + ry + 2 - closing * (cy + ry + 2 - (uc + arch / 2));
    const lift = p.lowerLid * ry * 1.25 * (1 - closing);
    const lc = lowerBase - 2 * lift;
    const upper = `M${f(x0)} ${f(u0)} Q${f(cx)} ${f(uc - arch)} ${f(x1)} ${f(u1)}`;
    const lower = `M${f(x0)} ${f(lowerBase)} Q${f(cx)} ${f(lc)} ${f(x1)} ${f(lowerBase)}`;
    defs.push(`<clipPath id="lid${id}"><path d="${upper} L${f(x1)} ${f(lowerBase)} Q${f(cx)} ${f(lc)} ${f(x0)} ${f(lowerBase)} Z"/></clipPath>`);
    defs.push(`<clipPath id="eye${id}"><ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx)}" ry="${f(ry)}"/></clipPath>`);
    // Eye outline where the lids leave it visible; the lid lines inside the eye; the pupil.
    parts.push(`<g clip-path="url(#lid${id})"><ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx - sw / 2)}" ry="${f(ry - sw / 2)}" fill="none" stroke="#fff" stroke-width="${f(sw)}"/></g>`);
    parts.push(`<g clip-path="url(#eye${id})"><path d="${upper}" fill="none" stroke="#fff" stroke-width="${f(sw)}"/><path d="${lower}" fill="none" stroke="#fff" stroke-width="${f(sw)}"/></g>`);
    const px = cx + p.gazeX * rx * 0.45;
    const py = cy + p.gazeY * ry * 0.35;
    const pr = 0.42 * g.eyeRY * p.pupilSize;
    const pupil =
      p.heart > 0.5
        ? `<path d="${heartPath(px, py, pr * 1.25)}" fill="#fff"/>`
        : `<circle cx="${f(px)}" cy="${f(py)}" r="${f(pr)}" fill="#fff"/>`;
    parts.push(`<g clip-path="url(#eye${id})"><g clip-path="url(#lid${id})">${pupil}</g></g>`);
    // Brow: from inner to outer end, raised (AU1, AU2), lowered and pulled together (AU4).
    const browY = cy - ry - 6;
    const bi = [cx + inner * (rx * 0.75 - p.browPull * 3), browY - p.browInner * 6 + p.browPull * 2];
    const bo = [cx - inner * rx * 0.95, browY - p.browOuter * 5];
    // The arch flattens as the brows pull together, so an angry brow is a straight slash.
    const bc = [cx + inner * rx * 0.1, (bi[1] + bo[1]) / 2 - 3 * (1 - p.browPull)];
    parts.push(`<path d="M${f(bi[0])} ${f(bi[1])} Q${f(bc[0])} ${f(bc[1])} ${f(bo[0])} ${f(bo[1])}" fill="none" stroke="#fff" stroke-width="${f(sw * 1.25)}" stroke-linecap="round"/>`);
    if (p.blush > 0.5) {
      for (let k = 0; k < 3; k++) {
        const bx = cx - side * 4 + (k - 1) * 4;
        const by = cy + ry + 5;
        parts.push(`<path d="M${f(bx + 1.5)} ${f(by - 1.5)} L${f(bx - 1.5)} ${f(by + 1.5)}" stroke="#fff" stroke-width="1.2" stroke-linecap="round"/>`);
      }
    }
    if (p.tear > 0.5 && side > 0) {
      const tx = cx - inner * rx * 0.55;
      const ty = cy + ry + 4;
      parts.push(`<path d="M${f(tx)} ${f(ty)} Q${f(tx + 3)} ${f(ty + 6)} ${f(tx)} ${f(ty + 7)} Q${f(tx - 3)} ${f(ty + 6)} ${f(tx)} ${f(ty)} Z" fill="#fff"/>`);
    }
    if (p.sweat > 0.5 && side > 0) {
      const sx = cx + rx + 7;
      const sy = cy - ry + 1;
      parts.push(`<path d="M${f(sx)} ${f(sy)} Q${f(sx + 4)} ${f(sy + 7)} ${f(sx)} ${f(sy + 9)} Q${f(sx - 4)} ${f(sy + 7)} ${f(sx)} ${f(sy)} Z" fill="none" stroke="#fff" stroke-width="1.4"/>`);
    }
  }
  // Mouth: corners up or down (AU12/AU15), width (AU20/AU23), skew (unilateral AU12), jaw drop (AU26).
  const my = g.mouthY;
  const hw = 13 * p.mouthWidth;
  const lcY = my - p.mouthCurve * 4.5 + p.mouthSkew * 1;
  const rcY = my - p.mouthCurve * 4.5 - p.mouthSkew * 4;
  const mx = 64 + p.mouthSkew * 3;
  const curve = my + p.mouthCurve * 5;
  const left = `${f(mx - hw)} ${f(lcY)}`;
  const right = `${f(mx + hw)} ${f(rcY)}`;
  if (p.mouthOpen > 0.08) {
    const upperC = curve - p.mouthOpen * 3 - (p.mouthWidth < 0.7 ? p.mouthOpen * 7 : 0);
    const lowerC = curve + p.mouthOpen * 11;
    parts.push(`<path d="M${left} Q${f(mx)} ${f(upperC)} ${right} Q${f(mx)} ${f(lowerC)} ${left} Z" fill="#000" stroke="#fff" stroke-width="${f(sw)}" stroke-linejoin="round"/>`);
  } else {
    parts.push(`<path d="M${left} Q${f(mx)} ${f(curve)} ${right}" fill="none" stroke="#fff" stroke-width="${f(sw)}" stroke-linecap="round"/>`);
  }
  const z = p.zoom;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="64" viewBox="0 0 128 64">` +
    `<defs>${defs.join("")}</defs><rect width="128" height="64" fill="#000"/>` +
    `<g transform="translate(64 ${ZOOM_CY}) scale(${f(z)}) translate(-64 -${ZOOM_CY})">${parts.join("")}</g></svg>`
  );
}

function heartPath(x: number, y: number, r: number): string {
  return (
    `M${f(x)} ${f(y + r * 0.9)} ` +
    `C${f(x - r * 1.3)} ${f(y)} ${f(x - r * 0.9)} ${f(y - r)} ${f(x)} ${f(y - r * 0.35)} ` +
    `C${f(x + r * 0.9)} ${f(y - r)} ${f(x + r * 1.3)} ${f(y)} ${f(x)} ${f(y + r * 0.9)} Z`
  );
}
