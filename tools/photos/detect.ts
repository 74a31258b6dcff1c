/*
 * Faces in photos: detection, 68 landmarks and expressions with @vladmandic/face-api on TensorFlow.js'
 * WASM backend (its face-api.node-wasm.js build: no native TensorFlow). The model weights and the
 * WASM binaries are read from node_modules; nothing is downloaded. Images are decoded by sharp.
 *
 * Every photo gives zero or more candidates (a group photo one per face) and, for each face or file
 * that cannot be used, a one-line reason naming the file.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import sharp from "sharp";

const require = createRequire(import.meta.url);

/** face-api's seven expressions. */
export const EXPRESSION_NAMES = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"] as const;
export type ExpressionName = (typeof EXPRESSION_NAMES)[number];

export interface Point {
  x: number;
  y: number;
}

export interface DetectedFace {
  /** Index of the face in its photo, left to right. */
  index: number;
  /** Detector score 0..1. */
  score: number;
  box: { x: number; y: number; width: number; height: number };
  /** The 68 iBUG landmarks in image pixels. */
  landmarks: Point[];
  expressions: Record<ExpressionName, number>;
}

export interface PhotoImage {
  width: number;
  height: number;
  /** 8-bit grey, row-major. */
  grey: Uint8Array;
}

export interface PhotoResult {
  file: string;
  image?: PhotoImage;
  /** Human faces found, usable or not (shapes the second detector does not confirm are not counted). */
  found: number;
  /** The usable ones. */
  faces: DetectedFace[];
  /** One line per problem: the file, and the face when it is one face's. */
  problems: string[];
}

/** Limits: images are scaled so their long side is at most this before detection. */
export const MAX_SIDE = 1600;
/** Pixels: larger inputs are refused before decoding (a decompression bomb). */
export const MAX_INPUT_PIXELS = 120_000_000;
/** A face whose eye distance is below this (in the decoded image) is too small to sketch. */
export const MIN_EYE_DISTANCE = 24;
/** Variance of the Laplacian of the face crop below which it is too blurred. */
export const MIN_SHARPNESS = 20;
export const MIN_SCORE = 0.5;
/**
 * A second opinion on every face SSD MobileNet finds: face-api's Tiny Face Detector, run on the
 * region around it, must find a face there too (a box overlapping by IoU >= 0.3, score >= 0.1). SSD
 * takes a cat's face for a human one at 0.93 (tests/photos/images/cat.jpg); the tiny detector scores
 * it 0, and every human face of the demo and test photos, profiles and faces cut by the edge by up to
 * a third included, 0.25 or more.
 */
export const CONFIRM = { score: 0.1, iou: 0.3, inputSize: 320 } as const;
/**
 * A face turned this far from the camera is a profile: the sketch needs both eyes and both halves of
 * the mouth. Measured as the nose tip's place between the jaw's two ends (eyes level): the shorter
 * side over the longer, 1 for a frontal face, 0 for a full profile. The demo photos' turned but
 * usable faces measure 0.22 and more; sample2's profile 0.07.
 */
export const MIN_FRONTALITY = 0.15;

/** The nose tip's place between the jaw's ends, shorter side over longer (see MIN_FRONTALITY). */
export function frontality(l: Point[]): number {
  const a = leftEye(l);
  const b = rightEye(l);
  const ang = Math.atan2(b.y - a.y, b.x - a.x);
  const x = (p: Point) => p.x * Math.cos(-ang) - p.y * Math.sin(-ang);
  const left = x(l[30]) - x(l[0]);
  const right = x(l[16]) - x(l[30]);
  if (left <= 0 || right <= 0) return 0;
  return Math.min(left, right) / Math.max(left, right);
}

type FaceApi = typeof import("@vladmandic/face-api");
let loaded: Promise<FaceApi> | undefined;

/** Loads face-api on the WASM backend with the weights from its npm package (once per process). */
export function faceApi(): Promise<FaceApi> {
  loaded ??= (async () => {
    const tf = require("@tensorflow/tfjs");
    const wasm = require("@tensorflow/tfjs-backend-wasm");
    const wasmDir = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
    // Local binaries: setWasmPaths with a directory prefix (no network).
    wasm.setWasmPaths(wasmDir + "/");
    // Threads are off: the simd build, one thread (the tools share two cores).
    wasm.setThreadsCount?.(1);
    const faceapi = require("@vladmandic/face-api/dist/face-api.node-wasm.js") as FaceApi;
    await tf.setBackend("wasm");
    await tf.ready();
    const modelDir = join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
    await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
    await faceapi.nets.faceExpressionNet.loadFromDisk(modelDir);
    return faceapi;
  })();
  return loaded;
}

/** The folder of face-api's demo photos (sample1..6.jpg) in node_modules. */
export function samplePhotosDir(): string {
  return join(dirname(require.resolve("@vladmandic/face-api/package.json")), "demo");
}

function errorLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0];
}

/** Decodes a photo: RGB for the detector and grey for the sketches, long side <= MAX_SIDE. */
export async function decodePhoto(file: string): Promise<{ rgb: Uint8Array; image: PhotoImage }> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read: ${errorLine(e)}`);
  }
  const cut = pngCutShort(bytes);
  if (cut) throw new Error(`not a readable image (cut short: ${cut})`);
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    if (!meta.width || !meta.height) throw new Error("no image size");
    const img = sharp(bytes, { failOn: "error", limitInputPixels: MAX_INPUT_PIXELS })
      .rotate() // EXIF orientation
      .flatten({ background: "#ffffff" }) // alpha over white
      .resize(MAX_SIDE, MAX_SIDE, { fit: "inside", withoutEnlargement: true })
      .removeAlpha()
      .toColourspace("srgb");
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    const n = info.width * info.height;
    const rgb = new Uint8Array(n * 3);
    const grey = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = data[i * info.channels];
      const g = data[i * info.channels + (info.channels >= 3 ? 1 : 0)];
      const b = data[i * info.channels + (info.channels >= 3 ? 2 : 0)];
      rgb[i * 3] = r;
      rgb[i * 3 + 1] = g;
      rgb[i * 3 + 2] = b;
      grey[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }
    return { rgb, image: { width: info.width, height: info.height, grey } };
  } catch (e) {
    const m = errorLine(e);
    if (/pixel limit/i.test(m)) throw new Error(`too large to decode (over ${MAX_INPUT_PIXELS / 1e6} megapixels)`);
    // libjpeg's end of input inside the scans (baseline or progressive), refused by failOn "error".
    if (/premature end|truncated|unexpected end/i.test(m)) throw new Error(`not a readable image (cut short: ${m})`);
    throw new Error(`not a readable image (${m})`);
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG cut short, or undefined: its chunks (length, type, data, CRC) must fit in the file and end
 * with IEND. libpng decodes a PNG whose image data is whole but whose end is missing without a word,
 * and stops with only "read error" when the data is cut; this names the chunk and the byte.
 */
export function pngCutShort(b: Uint8Array): string | undefined {
  if (b.length < 8 || PNG_SIGNATURE.some((v, i) => b[i] !== v)) return undefined;
  let at = 8;
  while (at + 8 <= b.length) {
    const length = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    const end = at + 12 + length;
    if (end > b.length) return `PNG chunk "${type}" at byte ${at} needs ${12 + length} bytes, the file ends at byte ${b.length}`;
    if (type === "IEND") return undefined;
    at = end;
  }
  return `PNG has no IEND chunk, the file ends at byte ${b.length}`;
}

/** Variance of the 4-neighbour Laplacian inside a box of the grey image: low means blurred. */
export function sharpness(img: PhotoImage, box: { x: number; y: number; width: number; height: number }): number {
  const x0 = Math.max(1, Math.floor(box.x));
  const y0 = Math.max(1, Math.floor(box.y));
  const x1 = Math.min(img.width - 2, Math.ceil(box.x + box.width));
  const y1 = Math.min(img.height - 2, Math.ceil(box.y + box.height));
  let s = 0;
  let s2 = 0;
  let n = 0;
  const g = img.grey;
  const w = img.width;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * w + x;
      const l = 4 * g[i] - g[i - 1] - g[i + 1] - g[i - w] - g[i + w];
      s += l;
      s2 += l * l;
      n++;
    }
  }
  return n ? s2 / n - (s / n) ** 2 : 0;
}

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
export const mean = (ps: Point[]): Point => ({ x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length });
export const leftEye = (l: Point[]) => mean(l.slice(36, 42));
export const rightEye = (l: Point[]) => mean(l.slice(42, 48));

interface Tensor {
  dispose(): void;
}
interface Tf {
  tensor3d: (d: Uint8Array, s: number[], t: string) => Tensor;
  slice: (t: Tensor, begin: number[], size: number[]) => Tensor;
  pad: (t: Tensor, paddings: [number, number][], value: number) => Tensor;
}
type Box = { x: number; y: number; width: number; height: number };

/**
 * Whether the Tiny Face Detector also finds a face where SSD found one (CONFIRM): on the box grown by
 * half on each side, padded with black where that runs off the photo, so that a face cut by the edge
 * is still seen whole-sized and centred (clipped instead, a face missing a quarter scores 0.1 or less).
 */
async function confirmed(faceapi: FaceApi, tensor: Tensor, image: PhotoImage, b: Box): Promise<boolean> {
  const tf = faceapi.tf as unknown as Tf;
  const X0 = Math.floor(b.x - b.width / 2);
  const Y0 = Math.floor(b.y - b.height / 2);
  const X1 = Math.ceil(b.x + b.width * 1.5);
  const Y1 = Math.ceil(b.y + b.height * 1.5);
  const x0 = Math.max(0, X0);
  const y0 = Math.max(0, Y0);
  const x1 = Math.min(image.width, X1);
  const y1 = Math.min(image.height, Y1);
  if (x1 - x0 < 8 || y1 - y0 < 8) return false;
  const crop = tf.slice(tensor, [y0, x0, 0], [y1 - y0, x1 - x0, 3]);
  const padded = tf.pad(crop, [[y0 - Y0, Y1 - y1], [x0 - X0, X1 - x1], [0, 0]], 0);
  try {
    const found = await faceapi.detectAllFaces(padded as never, new faceapi.TinyFaceDetectorOptions({ inputSize: CONFIRM.inputSize, scoreThreshold: CONFIRM.score }));
    return found.some((r) => iou(b, { x: r.box.x + X0, y: r.box.y + Y0, width: r.box.width, height: r.box.height }) >= CONFIRM.iou);
  } finally {
    crop.dispose();
    padded.dispose();
  }
}

function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

/** Finds the faces of one photo; problems are returned, never thrown. */
export async function detectPhoto(file: string): Promise<PhotoResult> {
  let decoded: { rgb: Uint8Array; image: PhotoImage };
  try {
    decoded = await decodePhoto(file);
  } catch (e) {
    return { file, found: 0, faces: [], problems: [`${file}: ${errorLine(e)}`] };
  }
  const { rgb, image } = decoded;
  const faceapi = await faceApi();
  const tf = faceapi.tf as unknown as Tf;
  const tensor = tf.tensor3d(rgb, [image.height, image.width, 3], "int32");
  const detect = (t: Tensor) =>
    faceapi
      .detectAllFaces(t as never, new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_SCORE, maxResults: 20 }))
      .withFaceLandmarks()
      .withFaceExpressions();
  let raw: Awaited<ReturnType<typeof detect>>;
  const human: typeof raw = [];
  try {
    raw = await detect(tensor);
    for (const r of raw) if (await confirmed(faceapi, tensor, image, r.detection.box)) human.push(r);
  } finally {
    tensor.dispose();
  }
  const problems: string[] = [];
  const faces: DetectedFace[] = [];
  const sorted = human.sort((a, b) => a.detection.box.x - b.detection.box.x);
  sorted.forEach((r, k) => {
    const box = r.detection.box;
    const landmarks = r.landmarks.positions.map((p) => ({ x: p.x, y: p.y }));
    const where = `${file}: face ${k + 1} at ${Math.round(box.x)},${Math.round(box.y)}`;
    const eyes = dist(leftEye(landmarks), rightEye(landmarks));
    const margin = 0.02 * Math.max(image.width, image.height);
    const cut = box.x < -margin || box.y < -margin || box.x + box.width > image.width + margin || box.y + box.height > image.height + margin || landmarks.some((p) => p.x < 0 || p.y < 0 || p.x >= image.width || p.y >= image.height);
    const sharp = sharpness(image, box);
    if (eyes < MIN_EYE_DISTANCE) problems.push(`${where}: too small (eyes ${Math.round(eyes)} px apart, at least ${MIN_EYE_DISTANCE} needed)`);
    else if (cut) problems.push(`${where}: cut off by the edge of the photo`);
    else if (sharp < MIN_SHARPNESS) problems.push(`${where}: too blurred (sharpness ${sharp.toFixed(1)}, at least ${MIN_SHARPNESS})`);
    else if (frontality(landmarks) < MIN_FRONTALITY) problems.push(`${where}: turned away from the camera (a profile: frontality ${frontality(landmarks).toFixed(2)}, at least ${MIN_FRONTALITY}); the sketch needs both eyes`);
    else {
      const ex = r.expressions as unknown as Record<string, number>;
      const expressions = Object.fromEntries(EXPRESSION_NAMES.map((n) => [n, ex[n] ?? 0])) as Record<ExpressionName, number>;
      faces.push({ index: k, score: r.detection.score, box: { x: box.x, y: box.y, width: box.width, height: box.height }, landmarks, expressions });
    }
  });
  const others = raw.length - human.length;
  if (human.length === 0) problems.push(`${file}: no face found${others ? ` (${others === 1 ? "a face-like shape" : `${others} face-like shapes`} that a second detector does not take for a human face)` : ""}`);
  return { file, image, found: human.length, faces, problems };
}
