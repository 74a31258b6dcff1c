/*
 * `moodface pack --photos <folder>`: every face of every photo becomes a labelled sketch; each of the
 * 24 keyframe slots (8 emotions x 3 bands) takes the candidate with the best confidence, and slots no
 * photo fills take the generated face. Problems are one line each, naming the file (and the face);
 * with strict the first one fails the pack.
 */
import { readdirSync, statSync, existsSync } from "node:fs";
import { extname, join } from "node:path";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { UsageError } from "../lib/data.js";
import { BAND_NAMES } from "../faces/defaults.js";
import { expression, eyeBoxes, type FaceParams } from "../faces/face.js";
import { renderFace } from "../faces/render.js";
import type { PackEntry } from "../faces/pack-writer.js";
import { detectPhoto, type Point } from "./detect.js";
import { applyOverride, labelFromExpressions, readOverrides, type Label } from "./labels.js";
import { sketchFace, type SketchStyle } from "./sketch.js";

const IMAGES = [".jpg", ".jpeg", ".png"];

export interface Candidate {
  file: string;
  face: number;
  label: Label;
  frame: Uint8Array;
  photo: Uint8Array;
  eyes: number[][];
  /** What drew the sketch (robot: parameters; lines: screen landmarks); edges sketches have neither. */
  params?: FaceParams;
  points?: Point[];
}

export interface Slot {
  emotion: number;
  band: number;
  from: "photo" | "generated";
  candidate?: Candidate;
  entry: PackEntry;
  /** The generator's parameters of a generated slot or a robot-style photo. */
  params?: FaceParams;
}

/** What one photo gave: human faces found, the usable ones (sketched), and those labels.json skipped. */
export interface PhotoCount {
  file: string;
  /** False when the file could not be decoded (its problem line says why). */
  readable: boolean;
  found: number;
  usable: number;
  skipped: number;
}

export interface PhotoPack {
  slots: Slot[];
  candidates: Candidate[];
  problems: string[];
  photos: number;
  /** Per photo, in file order. */
  counts: PhotoCount[];
}

export function listPhotos(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--photos ${folder}: no such folder`);
  const files = readdirSync(folder)
    .filter((f) => IMAGES.includes(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(folder, f));
  if (files.length === 0) throw new UsageError(`--photos ${folder}: no photos (.jpg, .jpeg, .png)`);
  return files;
}

export interface PhotoOptions {
  style: SketchStyle;
  strict?: boolean;
  nose?: boolean;
  jaw?: boolean;
  onPhoto?: () => void;
  /** Problems are reported here as they happen (and kept in the result). */
  onProblem?: (line: string) => void;
}

export async function photosToSlots(folder: string, o: PhotoOptions): Promise<PhotoPack> {
  const files = listPhotos(folder);
  const overrides = readOverrides(folder);
  const problems: string[] = [];
  const candidates: Candidate[] = [];
  const counts: PhotoCount[] = [];
  for (const file of files) {
    const r = await detectPhoto(file);
    const count = { file, readable: r.image !== undefined, found: r.found, usable: r.faces.length, skipped: 0 };
    counts.push(count);
    for (const p of r.problems) {
      if (o.strict) throw new UsageError(`${p} (--strict)`);
      problems.push(p);
      o.onProblem?.(p);
    }
    for (const face of r.faces) {
      const label = applyOverride(overrides, file, face.index, r.faces.length, labelFromExpressions(face.expressions));
      if (label === "skip") {
        count.skipped++;
        continue;
      }
      const s = await sketchFace(r.image!, face, { style: o.style, band: label.band, nose: o.nose, jaw: o.jaw });
      candidates.push({ file, face: face.index, label, frame: s.frame, photo: s.photo, eyes: s.eyes, params: s.params, points: s.points });
    }
    o.onPhoto?.();
  }
  const slots: Slot[] = [];
  for (let e = 0; e < EMOTIONS.length; e++) {
    for (let b = 0; b < 3; b++) {
      const best = candidates
        .filter((c) => c.label.emotion === EMOTIONS[e] && c.label.band === b)
        .sort((x, y) => y.label.confidence - x.label.confidence || x.file.localeCompare(y.file) || x.face - y.face)[0];
      if (best) {
        slots.push({ emotion: e, band: b, from: "photo", candidate: best, params: best.params, entry: { emotion: e, band: b, frame: best.frame, eyes: best.eyes } });
      } else {
        const p = expression(EMOTIONS[e], b);
        slots.push({ emotion: e, band: b, from: "generated", params: p, entry: { emotion: e, band: b, frame: await renderFace(p), eyes: eyeBoxes(p).map((x) => [x.x0, x.y0, x.x1, x.y1]) } });
      }
    }
  }
  return { slots, candidates, problems, photos: files.length, counts };
}

/**
 * One line per photo: the human faces found in it and the faces used, with the slots they fill
 * (a usable face is left unused when a better one of the same label takes its slot).
 */
export function photoLines(p: PhotoPack): string[] {
  return p.counts.map((c) => {
    if (!c.readable) return `  ${c.file}: not readable, no faces`;
    const used = p.slots.filter((s) => s.candidate?.file === c.file).sort((a, b) => a.candidate!.face - b.candidate!.face);
    const where = used.map((s) => `face ${s.candidate!.face + 1} as ${EMOTIONS[s.emotion]}-${BAND_NAMES[s.band]}`).join(", ");
    const why: string[] = [];
    if (c.found > c.usable) why.push(`${c.found - c.usable} unusable`);
    if (c.skipped) why.push(`${c.skipped} skipped by labels.json`);
    const beaten = c.usable - c.skipped - used.length;
    if (beaten > 0) why.push(`${beaten} beaten to ${beaten === 1 ? "its slot" : "their slots"} by a more confident face`);
    return `  ${c.file}: ${c.found} face${c.found === 1 ? "" : "s"} found, ${used.length} used${where ? ` (${where})` : ""}${why.length ? `; ${why.join(", ")}` : ""}`;
  });
}

/** One line per slot: where its keyframe came from. */
export function slotLines(p: PhotoPack): string[] {
  return p.slots.map((s) => {
    const name = `${EMOTIONS[s.emotion]}-${BAND_NAMES[s.band]}`.padEnd(16);
    if (!s.candidate) return `  ${name} generated (no photo)`;
    const c = s.candidate;
    return `  ${name} ${c.file} face ${c.face + 1} (${c.label.from === "labels.json" ? "labels.json" : `${c.label.expression} ${(c.label.confidence * 100).toFixed(0)}%`})`;
  });
}

/** The sidecar that `moodface preview` reads to show photo, sketch and label side by side. */
export function sidecar(p: PhotoPack): object {
  return {
    format: "moodface-photo-slots",
    version: 1,
    slots: p.slots.map((s) => ({
      emotion: EMOTIONS[s.emotion],
      intensity: BAND_NAMES[s.band],
      from: s.from,
      file: s.candidate?.file,
      face: s.candidate ? s.candidate.face + 1 : undefined,
      expression: s.candidate?.label.expression,
      confidence: s.candidate ? Math.round(s.candidate.label.confidence * 1000) / 1000 : undefined,
      label: s.candidate?.label.from,
      photo: s.candidate ? Buffer.from(s.candidate.photo).toString("base64") : undefined,
    })),
  };
}
