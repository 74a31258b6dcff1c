/*
 * A detected face on the 128x64 screen: aligned (eyes level), laid out like the default faces (eyes
 * at 64 +- 27 px on row 29, mouth on row 51, zoomed in) and drawn three ways:
 *   lines: a line sketch from the 68 landmarks (brows, lids, pupils, mouth; optionally nose and jaw),
 *          each feature drawn around its own anchor at a common scale, so a human face's proportions
 *          fit the wide, short screen without flattening the eyes;
 *   edges: XDoG edges of the aligned photo crop, with the landmark lines on top;
 *   robot: the landmarks measured and mapped onto the face generator's parameters (tools/faces/face.ts).
 * Lines are 2.2 px wide and rasterised like the generator's faces (sharp, threshold at 128), so they
 * survive 1 bit.
 */
import sharp from "sharp";
import { NEUTRAL, BAND_ZOOM, EXPRESSIONS, type FaceParams } from "../faces/face.js";
import { H, W, faceGrey, pack, renderFace, toOneBit } from "../faces/render.js";
import { EXPRESSION_NAMES, leftEye, mean, rightEye, type DetectedFace, type ExpressionName, type PhotoImage, type Point } from "./detect.js";
import { EXPRESSION_TO_EMOTION } from "./labels.js";

export type SketchStyle = "lines" | "edges" | "robot";
export interface SketchOptions {
  style: SketchStyle;
  /** Also draw the nose and the jaw line. */
  nose?: boolean;
  jaw?: boolean;
  /** Intensity band 0..2: the zoom of the generator's faces. */
  band?: number;
}

export const SCREEN = { eyeY: 29, eyeDX: 27, mouthY: 51 } as const;
const STROKE = 2.2;

/** The face's landmarks in a rotated frame: eyes level, origin between the eyes, unit = eye distance. */
export function normalise(l: Point[]): Point[] {
  const a = leftEye(l);
  const b = rightEye(l);
  const c = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const ang = Math.atan2(b.y - a.y, b.x - a.x);
  const iod = Math.hypot(b.x - a.x, b.y - a.y);
  const cos = Math.cos(-ang);
  const sin = Math.sin(-ang);
  return l.map((p) => {
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    return { x: (dx * cos - dy * sin) / iod, y: (dx * sin + dy * cos) / iod };
  });
}

/**
 * The line style's brows and mouth on the screen, in pixels per unit of the generator's parameters: a
 * caricature (Brennan 1985) that draws a relaxed face's brows at their usual height and a straight
 * closed mouth, and moves them by the face's expression (expressionParams) far enough to read on 64
 * rows. The photo's own lip outline is not drawn: at this size two lip lines around an open mouth make
 * a ring that reads as shouting, and closed lips a band that hides the corners' turn.
 */
export const LINES = { browRest: 7, browPx: 4, curvePx: 8, openPx: 10, skewPx: 4 } as const;

/**
 * Screen positions of the 68 landmarks in the default faces' layout (zoom grows from row 32). Eyes,
 * nose and jaw follow the photo; the brows keep their shape and the mouth its width, but their heights,
 * the lips' curve and the opening come from the expression `p` (by default measured from `l` alone).
 */
export function layout(l: Point[], zoom = 1.06, p: FaceParams = expressionParams(l)): Point[] {
  const n = normalise(l);
  const s = 2 * SCREEN.eyeDX; // px per eye distance
  const eyeL = mean(n.slice(36, 42));
  const eyeR = mean(n.slice(42, 48));
  const out: Point[] = new Array(68);
  const eye = (i: number, e: Point, cx: number, vy: number) => ({ x: cx + (n[i].x - e.x) * s, y: SCREEN.eyeY + (n[i].y - e.y) * s * vy });
  for (let i = 36; i < 42; i++) out[i] = eye(i, eyeL, 64 - SCREEN.eyeDX, 1.25);
  for (let i = 42; i < 48; i++) out[i] = eye(i, eyeR, 64 + SCREEN.eyeDX, 1.25);
  // Brows: each keeps its arch (its points' rise over the line between its ends, a little flattened)
  // and sits above its eye's upper lid at the height the expression gives its inner and outer ends.
  const brow = (ids: number[], e: Point, cx: number, inner: number, outer: number, lid: number) => {
    const top = Math.min(out[lid].y, out[lid + 1].y);
    const a = n[ids[0]];
    const b = n[ids[4]];
    for (const i of ids) {
      const t = (n[i].x - a.x) / (b.x - a.x || 1); // 0 at the first point, 1 at the last
      const arch = a.y + (b.y - a.y) * t - n[i].y; // up is positive
      const rise = LINES.browRest + (ids[0] === 17 ? outer + (inner - outer) * t : inner + (outer - inner) * t) * LINES.browPx;
      out[i] = { x: cx + (n[i].x - e.x) * s, y: top - rise - arch * s * 0.6 };
    }
  };
  brow([17, 18, 19, 20, 21], eyeL, 64 - SCREEN.eyeDX, p.browInner, p.browOuter, 37);
  brow([22, 23, 24, 25, 26], eyeR, 64 + SCREEN.eyeDX, p.browInner, p.browOuter, 43);
  // Mouth: the photo's width and place across, on row 51; the line where the lips meet bends by the
  // curve (corners up for a smile), opens by mouthOpen around that line and tilts by the skew.
  const half = (Math.hypot(n[54].x - n[48].x, n[54].y - n[48].y) * s * 0.8) / 2;
  const cx = 64 + ((n[48].x + n[54].x) / 2) * s * 0.5;
  const bend = p.mouthCurve * LINES.curvePx;
  const gap = p.mouthOpen * LINES.openPx;
  const skew = p.mouthSkew * LINES.skewPx;
  // u from -1 (the photo's right-hand corner, landmark 48) to 1; the lines are parabolas through the corners.
  const at = (u: number, lip: -1 | 0 | 1) => ({ x: cx + u * half, y: SCREEN.mouthY - bend * u * u + skew * u * -1 + (lip * gap * (1 - u * u)) / 2 });
  const us = [-1, -0.5, 0, 0.5, 1];
  // Inner lips: 60..64 upper from corner to corner, 65..67 lower back; outer lips 1.5 px outside.
  [60, 61, 62, 63, 64].forEach((i, k) => (out[i] = at(us[k], -1)));
  [67, 66, 65].forEach((i, k) => (out[i] = at(us[k + 1], 1)));
  const outer = (u: number, lip: -1 | 1) => {
    const q = at(u, lip);
    return Math.abs(u) === 1 ? q : { x: q.x, y: q.y + lip * 1.5 };
  };
  [48, 49, 50, 51, 52, 53, 54].forEach((i, k) => (out[i] = outer(-1 + k / 3, -1)));
  [55, 56, 57, 58, 59].forEach((i, k) => (out[i] = outer(1 - (k + 1) / 3, 1)));
  // Nose and jaw: vertically squeezed so the mouth line lands on row 51.
  const mouth = mean(n.slice(48, 68));
  const vy = (SCREEN.mouthY - SCREEN.eyeY) / Math.max(0.5, mouth.y);
  for (const i of [...range(0, 17), ...range(27, 36)]) out[i] = { x: 64 + n[i].x * s, y: SCREEN.eyeY + n[i].y * vy };
  return out.map((q) => ({ x: 64 + (q.x - 64) * zoom, y: 32 + (q.y - 32) * zoom }));
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

const f = (x: number) => (Math.round(x * 100) / 100).toString();
const poly = (ps: Point[], close: boolean) => `M${ps.map((p) => `${f(p.x)} ${f(p.y)}`).join(" L")}${close ? " Z" : ""}`;

/** Smooth path through points (Catmull-Rom as cubic Béziers). */
function smooth(ps: Point[], close: boolean): string {
  const n = ps.length;
  if (n < 3) return poly(ps, close);
  const at = (i: number) => (close ? ps[(i + n) % n] : ps[Math.max(0, Math.min(n - 1, i))]);
  let d = `M${f(ps[0].x)} ${f(ps[0].y)}`;
  const last = close ? n : n - 1;
  for (let i = 0; i < last; i++) {
    const p0 = at(i - 1);
    const p1 = at(i);
    const p2 = at(i + 1);
    const p3 = at(i + 2);
    const c1 = { x: p1.x + (p2.x - p0.x) / 6, y: p1.y + (p2.y - p0.y) / 6 };
    const c2 = { x: p2.x - (p3.x - p1.x) / 6, y: p2.y - (p3.y - p1.y) / 6 };
    d += ` C${f(c1.x)} ${f(c1.y)} ${f(c2.x)} ${f(c2.y)} ${f(p2.x)} ${f(p2.y)}`;
  }
  return d + (close ? " Z" : "");
}

/** The landmark line sketch as SVG (white ink on black), from screen points. */
export function linesSvg(p: Point[], o: { nose?: boolean; jaw?: boolean; background?: boolean } = {}): string {
  const sw = STROKE;
  const parts: string[] = [];
  const defs: string[] = [];
  const line = (d: string, w = sw) => parts.push(`<path d="${d}" fill="none" stroke="#fff" stroke-width="${f(w)}" stroke-linecap="round" stroke-linejoin="round"/>`);
  line(smooth(p.slice(17, 22), false), sw * 1.2);
  line(smooth(p.slice(22, 27), false), sw * 1.2);
  [p.slice(36, 42), p.slice(42, 48)].forEach((eye, k) => {
    const id = `e${k}`;
    // The eye outline, slightly enlarged so thin eyes keep an opening; the pupil clipped to it.
    const c = mean(eye);
    const wide = eye.map((q) => ({ x: c.x + (q.x - c.x) * 1.1, y: c.y + (q.y - c.y) * 1.35 }));
    defs.push(`<clipPath id="${id}"><path d="${smooth(wide, true)}"/></clipPath>`);
    line(smooth(wide, true));
    const width = Math.hypot(eye[3].x - eye[0].x, eye[3].y - eye[0].y);
    parts.push(`<g clip-path="url(#${id})"><circle cx="${f(c.x)}" cy="${f(c.y)}" r="${f(Math.max(2.5, width * 0.2))}" fill="#fff"/></g>`);
  });
  // Mouth: one line where the lips meet, or the opening's outline when they part (see LINES).
  const gap = Math.hypot(p[62].x - p[66].x, p[62].y - p[66].y);
  if (gap > 2.5) line(smooth(p.slice(60, 68), true));
  else line(smooth([p[60], p[61], p[62], p[63], p[64]], false));
  if (o.nose) line(smooth([p[31], p[32], p[33], p[34], p[35]], false), sw * 0.9);
  if (o.jaw) line(smooth(p.slice(0, 17), false), sw * 0.9);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="64" viewBox="0 0 128 64"><defs>${defs.join("")}</defs>` +
    (o.background === false ? "" : `<rect width="128" height="64" fill="#000"/>`) +
    `${parts.join("")}</svg>`
  );
}

async function svgGrey(svg: string): Promise<Uint8Array> {
  const { data } = await sharp(Buffer.from(svg), { density: 72 }).resize(W, H).flatten({ background: "#000" }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, W * H);
}

/**
 * The photo around the face, eyes level, 128x64 grey: a similarity transform (no squeeze) that puts
 * the eyes on row 24, the face's height filling the screen. Also gives the landmarks in that crop.
 */
export function alignedCrop(img: PhotoImage, l: Point[]): { grey: Uint8Array; points: Point[] } {
  const a = leftEye(l);
  const b = rightEye(l);
  const c = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const ang = Math.atan2(b.y - a.y, b.x - a.x);
  const iod = Math.hypot(b.x - a.x, b.y - a.y);
  const scale = 30 / iod; // screen px per image px: eyes 30 px apart, brows to chin fit 64 rows
  const cos = Math.cos(ang);
  const sin = Math.sin(ang);
  const toImage = (x: number, y: number) => {
    const u = (x - 64) / scale;
    const v = (y - 22) / scale;
    return { x: c.x + u * cos - v * sin, y: c.y + u * sin + v * cos };
  };
  const grey = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // 2x2 supersampling, bilinear enough at this reduction.
      let s = 0;
      for (const [dx, dy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
        const q = toImage(x + dx, y + dy);
        const qx = Math.min(img.width - 1, Math.max(0, Math.round(q.x)));
        const qy = Math.min(img.height - 1, Math.max(0, Math.round(q.y)));
        s += img.grey[qy * img.width + qx];
      }
      grey[y * W + x] = Math.round(s / 4);
    }
  }
  const points = l.map((p) => {
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    return { x: 64 + (dx * cos + dy * sin) * scale, y: 22 + (-dx * sin + dy * cos) * scale };
  });
  return { grey, points };
}

/** XDoG (Winnemöller 2012) on a grey image: ink (1) where the sharpened difference of Gaussians is dark. */
export function xdog(grey: Uint8Array, w = W, h = H, sigma = 0.9, k = 1.6, p = 20, eps = 0.0, phi = 10): Uint8Array {
  const blur = (src: Float32Array, s: number) => {
    const r = Math.ceil(3 * s);
    const ker = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * s * s)));
    const sum = ker.reduce((x, y) => x + y, 0);
    const tmp = new Float32Array(w * h);
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let v = 0;
      for (let i = -r; i <= r; i++) v += ker[i + r] * src[y * w + Math.min(w - 1, Math.max(0, x + i))];
      tmp[y * w + x] = v / sum;
    }
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let v = 0;
      for (let i = -r; i <= r; i++) v += ker[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
      out[y * w + x] = v / sum;
    }
    return out;
  };
  const src = Float32Array.from(grey, (v) => v / 255);
  const g1 = blur(src, sigma);
  const g2 = blur(src, sigma * k);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) {
    const d = (1 + p) * g1[i] - p * g2[i];
    const t = d >= eps ? 1 : 1 + Math.tanh(phi * (d - eps));
    out[i] = t < 0.5 ? 1 : 0;
  }
  return out;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Measurements of a face from its normalised landmarks. Vertical ones (brow heights, lip curve, mouth
 * opening, one-sided corner) are in mid-face heights, the eye line to the base of the nose (landmark
 * 33): a turned head shortens the eye distance but not these, and a lowered or raised head foreshortens
 * them and the mid-face alike, while neither the jaw nor the brows move the nose. Horizontal ones (mouth
 * width, brow gap) and the eyes' aspect ratio are in eye distances.
 */
export function measure(l: Point[]) {
  const n = normalise(l);
  const d = (a: number, b: number) => Math.hypot(n[a].x - n[b].x, n[a].y - n[b].y);
  const ear = (d(37, 41) + d(38, 40) + d(43, 47) + d(44, 46)) / (2 * (d(36, 39) + d(42, 45)));
  const eyeLine = (n[36].y + n[39].y + n[42].y + n[45].y) / 4;
  // A face seen steeply from above or below: the nose hides the mid-face; floor it so nothing explodes.
  const h = Math.max(0.4, n[33].y - eyeLine);
  const eyeTop = (n[37].y + n[38].y + n[43].y + n[44].y) / 4;
  const browInner = (eyeTop - (n[21].y + n[22].y) / 2) / h;
  const browOuter = (eyeTop - (n[17].y + n[26].y) / 2) / h;
  const browGap = d(21, 22);
  // Lip corners against the middle of the line where the lips meet (the inner lips' centres): positive up.
  const lipMid = (n[62].y + n[66].y) / 2;
  const curve = (lipMid - (n[48].y + n[54].y) / 2) / h;
  const open = d(62, 66) / h;
  const width = d(48, 54);
  const skew = (n[48].y - n[54].y) / h;
  return { ear, browInner, browOuter, browGap, curve, open, width, skew };
}

/**
 * Medians of the faces a person called neutral among face-api's demo photos (tests/photos/samples.json:
 * sample1 #2, sample2 #2 #3, sample3 #1, sample4 #1 #2, sample6 #3), in measure()'s units.
 */
export const RELAXED = { ear: 0.31, browInner: 0.275, browOuter: 0.28, browGap: 0.57, curve: 0.115, open: 0.066, width: 0.82 } as const;

/**
 * How far from relaxed a measurement must move to take a parameter to 1: the spread of the demo
 * photos' faces (brows 0.14 - 0.53, lip curve -0.05 - 0.21, opening up to 0.49 mid-face heights:
 * the talking face of tests/photos/images/talking.jpg; a shout or a jaw dropped in surprise goes on).
 */
const SPAN = { brow: 0.1, curve: 0.15, open: 0.6 } as const;

/**
 * How much of each parameter comes from face-api's expression probabilities instead of the landmarks.
 * The 68 landmarks place the lips' corners and the brows only roughly (the demo photos' smiling faces
 * measure corners down as often as up), while the expression net sees a smile or a frown as a whole:
 * half of each. Open or closed is a plain fact of the landmarks, and a label's default (joy, fear and
 * surprise open the mouth) must not open a closed one: none.
 */
export const LABEL_WEIGHT = { browInner: 0.5, browOuter: 0.5, mouthCurve: 0.5, mouthOpen: 0 } as const;

/** The generator's face for each of face-api's expressions (neutral: the relaxed face, not calm's closed eyes). */
function expressionFace(e: ExpressionName): FaceParams {
  return e === "neutral" ? { ...NEUTRAL } : { ...NEUTRAL, ...EXPRESSIONS[EXPRESSION_TO_EMOTION[e]] };
}

/**
 * The face's expression as the face generator's parameters: eyes, brows and mouth measured from the
 * landmarks against a relaxed face, the brows and the lip curve blended with the expression net's
 * probabilities over the generator's faces (LABEL_WEIGHT). Both sketch styles draw these: the robot
 * style through the generator, the line style by placing the brows and the mouth (layout).
 */
export function expressionParams(l: Point[], expressions?: Partial<Record<ExpressionName, number>>, band = 1): FaceParams {
  const m = measure(l);
  const own = {
    browInner: clamp((m.browInner - RELAXED.browInner) / SPAN.brow, -1, 1),
    browOuter: clamp((m.browOuter - RELAXED.browOuter) / SPAN.brow, -1, 1),
    mouthCurve: clamp((m.curve - RELAXED.curve) / SPAN.curve, -1, 1),
    mouthOpen: clamp((m.open - RELAXED.open) / SPAN.open, 0, 1),
  };
  // The expression net's view: its probabilities over the generator's face for each expression.
  let total = 0;
  const seen = { browInner: 0, browOuter: 0, mouthCurve: 0, mouthOpen: 0 };
  for (const e of EXPRESSION_NAMES) {
    const p = expressions?.[e] ?? 0;
    if (p <= 0) continue;
    total += p;
    const f = expressionFace(e);
    for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] += p * f[k];
  }
  const blend = (k: keyof typeof own) => (total > 0 ? own[k] * (1 - LABEL_WEIGHT[k]) + (seen[k] / total) * LABEL_WEIGHT[k] : own[k]);
  return {
    ...NEUTRAL,
    eyeOpen: clamp(m.ear / RELAXED.ear, 0.15, 1.3),
    lowerLid: clamp((expressions?.happy ?? 0) * 0.6, 0, 1),
    browInner: blend("browInner"),
    browOuter: blend("browOuter"),
    browPull: clamp((RELAXED.browGap - m.browGap) / 0.1, 0, 1),
    mouthCurve: blend("mouthCurve"),
    mouthOpen: blend("mouthOpen"),
    mouthWidth: clamp(m.width / RELAXED.width, 0.5, 1.5),
    mouthSkew: clamp(m.skew / 0.12, -1, 1) * 0.5,
    zoom: BAND_ZOOM[Math.max(0, Math.min(2, band))],
  };
}

export interface Sketch {
  frame: Uint8Array;
  bits: Uint8Array;
  /** The aligned photo crop (grey 128x64) for the contact sheet. */
  photo: Uint8Array;
  /** Eye boxes [x0, y0, x1, y1] for the animator. */
  eyes: number[][];
  /** Screen points of the eyes' and mouth's centres (what the tests check for ink). */
  eyeCentres: Point[];
  mouthCentre: Point;
  /** Screen points of the drawn mouth: the corners and the lips where they meet or part (landmarks 60..67). */
  mouthPoints: Point[];
  /** The face's expression as the generator's parameters (expressionParams), whichever style drew it. */
  expression: FaceParams;
  /** What drew it, for drawing in-betweens: the generator's parameters (robot) or the screen landmarks (lines). */
  params?: FaceParams;
  points?: Point[];
}

/** The landmark line sketch of screen points as a packed 1-bit frame. */
export async function linesFrame(pts: Point[], o: { nose?: boolean; jaw?: boolean } = {}): Promise<Uint8Array> {
  return pack(toOneBit(await svgGrey(linesSvg(pts, o))));
}

export async function sketchFace(img: PhotoImage, face: DetectedFace, o: SketchOptions): Promise<Sketch> {
  const band = o.band ?? 1;
  const crop = alignedCrop(img, face.landmarks);
  let bits: Uint8Array;
  let pts: Point[];
  let params: FaceParams | undefined;
  const expression = expressionParams(face.landmarks, face.expressions, band);
  if (o.style === "robot") {
    params = expression;
    bits = toOneBit(await faceGrey(params));
    pts = layout(face.landmarks, params.zoom, expression);
  } else if (o.style === "edges") {
    pts = crop.points;
    const edges = xdog(crop.grey);
    const lines = toOneBit(await svgGrey(linesSvg(pts, o)));
    bits = new Uint8Array(W * H);
    for (let i = 0; i < bits.length; i++) bits[i] = edges[i] | lines[i];
  } else {
    pts = layout(face.landmarks, [1, 1.06, 1.12][band], expression);
    bits = toOneBit(await svgGrey(linesSvg(pts, o)));
  }
  const box = (ps: Point[]) => {
    const xs = ps.map((p) => p.x);
    const ys = ps.map((p) => p.y);
    const c = (v: number, hi: number) => Math.max(0, Math.min(hi, Math.round(v)));
    return [c(Math.min(...xs) - 3, W - 1), c(Math.min(...ys) - 4, H - 1), c(Math.max(...xs) + 3, W - 1), c(Math.max(...ys) + 4, H - 1)];
  };
  return {
    frame: pack(bits),
    bits,
    photo: crop.grey,
    eyes: [box(pts.slice(36, 42)), box(pts.slice(42, 48))],
    eyeCentres: [mean(pts.slice(36, 42)), mean(pts.slice(42, 48))],
    mouthCentre: mean(pts.slice(48, 68)),
    mouthPoints: pts.slice(60, 68),
    expression,
    params,
    points: o.style === "lines" ? pts : undefined,
  };
}

export { renderFace };
