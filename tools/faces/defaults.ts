/*
 * The default keyframes: every emotion at three intensities from the face generator, written to
 * frames/defaults/ as PNGs with a manifest (frames/defaults/frames.json) that `moodface pack` reads.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { BAND_NAMES, EMOTIONS } from "../../modules/emotion/names.js";
import { eyeBoxes, expression, type FaceStyle } from "./face.js";
import { framePng, renderFace } from "./render.js";
import { REPO_ROOT } from "../lib/data.js";

export const FRAMES_DIR = join(REPO_ROOT, "frames");
export const DEFAULTS_DIR = join(FRAMES_DIR, "defaults");
/** The outline style's keyframes (the bold style, the default, is in DEFAULTS_DIR). */
export const OUTLINE_DIR = join(FRAMES_DIR, "defaults-outline");
export const DEFAULT_PACK = join(FRAMES_DIR, "frames.bin");
export { BAND_NAMES };

export interface FramesManifestEntry {
  file: string;
  emotion: string;
  intensity: (typeof BAND_NAMES)[number];
  eyes?: number[][];
  nuance?: string;
}

export interface FramesManifest {
  format: "moodface-frames";
  version: 1;
  entries: FramesManifestEntry[];
}

/** Renders the defaults into `dir` (PNG per keyframe plus frames.json) in a style; returns the manifest. */
export async function generateDefaults(dir = DEFAULTS_DIR, onFrame?: () => void, style: FaceStyle = "bold"): Promise<FramesManifest> {
  mkdirSync(dir, { recursive: true });
  const entries: FramesManifestEntry[] = [];
  for (const emotion of EMOTIONS) {
    for (let band = 0; band < 3; band++) {
      const p = expression(emotion, band);
      const file = `${emotion}-${BAND_NAMES[band]}.png`;
      await writeFileAtomic(join(dir, file), await framePng(await renderFace(p, undefined, { style })));
      entries.push({ file, emotion, intensity: BAND_NAMES[band], eyes: eyeBoxes(p, style).map((b) => [b.x0, b.y0, b.x1, b.y1]) });
      onFrame?.();
    }
  }
  const manifest: FramesManifest = { format: "moodface-frames", version: 1, entries };
  writeFileSync(join(dir, "frames.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}
