/*
 * Photos to faces that morph (docs/photos.md, docs/decoder.md): face-api's demo photos (read from
 * node_modules) through detection, sketching and slot filling, then the decoder fitted to the pack's
 * keyframes (inversion, fine-tuning) as `moodface pack --photos` does. Prints seconds per photo,
 * inversion and fine-tuning time, reconstruction before and after, and the transitions' midpoint IoU
 * against a crossfade, for the lines and robot styles.
 */
import { FRAMES_DIR } from "../../tools/faces/defaults.js";
import { MIN_RECONSTRUCTION, type Fit } from "../../tools/decoder/fit.js";
import { samplePhotosDir } from "../../tools/photos/detect.js";
import { photosToSlots } from "../../tools/photos/slots.js";
import { fitPhotoSlots } from "../../tools/photos/cli.js";
import type { SketchStyle } from "../../tools/photos/sketch.js";

export interface PhotosRow {
  style: SketchStyle;
  photos: number;
  secondsPerPhoto: number[];
  /** The slots filled from photos (indexes into the fit's keyframes). */
  photoSlots: number[];
  fit: Fit;
}

export async function photosBench(styles: SketchStyle[] = ["lines", "robot"]): Promise<PhotosRow[]> {
  const rows: PhotosRow[] = [];
  for (const style of styles) {
    const seconds: number[] = [];
    let t = performance.now();
    const r = await photosToSlots(samplePhotosDir(), {
      style,
      onPhoto: () => {
        seconds.push((performance.now() - t) / 1000);
        t = performance.now();
      },
    });
    const fit = await fitPhotoSlots(FRAMES_DIR, r.slots, 1);
    rows.push({ style, photos: r.photos, secondsPerPhoto: seconds, photoSlots: r.slots.flatMap((s, i) => (s.from === "photo" ? [i] : [])), fit });
  }
  return rows;
}

const range = (xs: number[], k = 1, unit = "") => (xs.length ? `${(Math.min(...xs) * k).toFixed(1)}-${(Math.max(...xs) * k).toFixed(1)}${unit}` : "-");

export function printPhotos(rows: PhotosRow[]): void {
  console.log("## Photos to keyframes that morph: face-api's demo photos, then the decoder fitted (moodface pack --photos)");
  console.log("style   photos  s/photo   photo slots  inverted in   before (photo slots)  fine-tune        after (all 24)  morph  midpoint IoU decoder / crossfade (pairs)");
  for (const r of rows) {
    const f = r.fit;
    const inverted = r.photoSlots.map((i) => f.before[i]);
    const ft = f.timing.fineTuneSeconds === undefined ? "none" : `${f.timing.fineTuneSeconds} s, ${f.timing.steps} steps`;
    const m = f.midpointIoU;
    console.log(
      `${r.style.padEnd(6)}  ${String(r.photos).padStart(6)}  ${range(r.secondsPerPhoto).padStart(8)}  ${String(r.photoSlots.length).padStart(11)}  ${`${(f.timing.inversionMs / 1000).toFixed(1)} s`.padStart(11)}   ${range(inverted, 100, "%").padStart(20)}  ${ft.padEnd(15)}  ${range(f.agreements, 100, "%").padStart(14)}  ${`${f.latents.filter(Boolean).length}/24`.padStart(5)}  ${m ? `${m.decoder.toFixed(3)} / ${m.crossfade.toFixed(3)} (${m.pairs}); photo pairs ${m.unseen.decoder.toFixed(3)} / ${m.unseen.crossfade.toFixed(3)} (${m.unseen.pairs})` : "-"}`,
    );
  }
  console.log(`(a keyframe morphs when its latent decodes to ${MIN_RECONSTRUCTION * 100}% of its pixels or more; "before" is the inversion against the shipped decoder)`);
}
