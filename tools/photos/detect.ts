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
    throw new Error(`not a readable image (${m})`);
  }
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

/** Finds the faces of one photo; problems are returned, never thrown. */
export async function detectPhoto(file: string): Promise<PhotoResult> {
  let decoded: { rgb: Uint8Array; image: PhotoImage };
  try {
    decoded = await decodePhoto(file);
  } catch (e) {
    return { file, faces: [], problems: [`${file}: ${errorLine(e)}`] };
  }
  const { rgb, image } = decoded;
  const faceapi = await faceApi();
  const tf = faceapi.tf as unknown as { tensor3d: (d: Uint8Array, s: number[], t: string) => { dispose(): void } };
  const tensor = tf.tensor3d(rgb, [image.height, image.width, 3], "int32");
  let raw;
  try {
    raw = await faceapi
      .detectAllFaces(tensor as never, new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_SCORE, maxResults: 20 }))
      .withFaceLandmarks()
      .withFaceExpressions();
  } finally {
    tensor.dispose();
  }
  const problems: string[] = [];
  const faces: DetectedFace[] = [];
  const sorted = [...raw].sort((a, b) => a.detection.box.x - b.detection.box.x);
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
  if (raw.length === 0) problems.push(`${file}: no face found`);
  return { file, image, faces, problems };
}
