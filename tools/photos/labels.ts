/*
 * Labels: face-api's seven expressions mapped to moodface's emotions and intensity bands
 * (docs/photos.md). The detector cannot see love, power or calm as such: neutral is taken as calm
 * (a relaxed face), and love and power come only from a side file (labels.json) or stay generated.
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { EMOTIONS, type EmotionName } from "../../modules/emotion/names.js";
import { readJson, UsageError } from "../lib/data.js";
import { describe } from "../lib/text.js";
import { BAND_NAMES } from "../faces/defaults.js";
import { EXPRESSION_NAMES, type ExpressionName } from "./detect.js";

/** The mapping, as data: face-api expression -> moodface emotion. */
export const EXPRESSION_TO_EMOTION: Readonly<Record<ExpressionName, EmotionName>> = {
  neutral: "calm",
  happy: "joy",
  sad: "sad",
  angry: "mad",
  fearful: "fear",
  disgusted: "mad",
  surprised: "surprise",
};

/** Probability of the top expression at or above which a face is medium, strong. */
export const BAND_CUTS = [0.7, 0.95] as const;

export interface Label {
  emotion: EmotionName;
  band: number;
  /** 0..1: the detector's probability for the expression (1 for a label from the side file). */
  confidence: number;
  /** The detector's top expression. */
  expression: ExpressionName;
  from: "detector" | "labels.json";
}

export function labelFromExpressions(ex: Record<ExpressionName, number>): Label {
  let top: ExpressionName = "neutral";
  for (const n of EXPRESSION_NAMES) if (ex[n] > ex[top]) top = n;
  const p = ex[top];
  const band = p >= BAND_CUTS[1] ? 2 : p >= BAND_CUTS[0] ? 1 : 0;
  return { emotion: EXPRESSION_TO_EMOTION[top], band, confidence: p, expression: top, from: "detector" };
}

/**
 * The side file labels.json beside the photos: {"<file>": "<emotion>-<intensity>"} for a single face,
 * or {"<file>#<n>": ...} for face n (1 = leftmost) of a group photo; "skip" leaves the face out.
 */
export type Overrides = Map<string, { emotion: EmotionName; band: number } | "skip">;

export function readOverrides(folder: string): Overrides {
  const file = join(folder, "labels.json");
  const out: Overrides = new Map();
  if (!existsSync(file)) return out;
  const doc = readJson(file) as unknown;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new UsageError(`${file}: expected an object {"photo.jpg#1": "joy-strong", ...}`);
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (v === "skip") {
      out.set(k, "skip");
      continue;
    }
    const m = typeof v === "string" ? /^([a-z]+)-(mild|medium|strong)$/.exec(v) : null;
    if (!m || !(EMOTIONS as readonly string[]).includes(m[1])) throw new UsageError(`${file}: ${JSON.stringify(k)}: expected "<emotion>-<intensity>" (emotion one of ${EMOTIONS.join(", ")}; mild, medium or strong) or "skip", got ${describe(v)}`);
    out.set(k, { emotion: m[1] as EmotionName, band: BAND_NAMES.indexOf(m[2] as (typeof BAND_NAMES)[number]) });
  }
  return out;
}

export function applyOverride(o: Overrides, file: string, faceIndex: number, faces: number, label: Label): Label | "skip" {
  const name = basename(file);
  const v = o.get(`${name}#${faceIndex + 1}`) ?? (faces === 1 ? o.get(name) : undefined);
  if (v === undefined) return label;
  if (v === "skip") return "skip";
  return { ...label, emotion: v.emotion, band: v.band, confidence: 1, from: "labels.json" };
}
