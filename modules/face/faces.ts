/*
 * Where keyframes come from: a checked frame pack in flash, or the built-in fallback faces when the
 * pack is missing or corrupt. The animator sees both through one small interface.
 */
import { CALM, EMOTIONS } from "../emotion/names.js";
import { EYE_BOX_BYTES, NUANCE_ANY, RECORD, VARIANT_BASE, readLatent, recordField, type Pack } from "../pack/pack.js";
import { clear, fillEllipse, fillRect, FRAME_BYTES } from "./raster.js";

export interface FaceSource {
  readonly count: number;
  emotion(i: number): number;
  band(i: number): number;
  variant(i: number): number;
  nuance(i: number): number;
  /** Copies keyframe i (1024 bytes, page-packed) into dst. */
  copyFrame(i: number, dst: Uint8Array): void;
  /** Eye boxes of keyframe i as x0, y0, x1, y1 per eye into out (8 values); returns how many eyes. */
  eyes(i: number, out: Int16Array): number;
  /** Keyframe i's decoder latent into out; false when there is none. */
  latent(i: number, out: Int8Array): boolean;
}

export class PackFaces implements FaceSource {
  readonly count: number;
  private readonly p: Pack;
  constructor(pack: Pack) {
    this.p = pack;
    this.count = pack.count;
  }
  emotion(i: number): number {
    return recordField(this.p, i, RECORD.EMOTION);
  }
  band(i: number): number {
    return recordField(this.p, i, RECORD.BAND);
  }
  variant(i: number): number {
    return recordField(this.p, i, RECORD.VARIANT);
  }
  nuance(i: number): number {
    return recordField(this.p, i, RECORD.NUANCE);
  }
  copyFrame(i: number, dst: Uint8Array): void {
    const o = this.p.framesOffset + i * FRAME_BYTES;
    const b = this.p.bytes;
    for (let k = 0; k < FRAME_BYTES; k++) dst[k] = b[o + k];
  }
  eyes(i: number, out: Int16Array): number {
    const n = recordField(this.p, i, RECORD.EYE_COUNT);
    for (let k = 0; k < n * EYE_BOX_BYTES; k++) out[k] = recordField(this.p, i, RECORD.EYES + k);
    return n;
  }
  latent(i: number, out: Int8Array): boolean {
    return readLatent(this.p, i, out);
  }
}

/**
 * Built-in faces for when the pack cannot be used: two round eyes and a mouth per emotion (smile,
 * frown, open, slanted), drawn with the raster primitives. Sane rather than pretty.
 */
export class FallbackFaces implements FaceSource {
  readonly count = EMOTIONS.length * 3;
  emotion(i: number): number {
    return (i / 3) | 0;
  }
  band(i: number): number {
    return i % 3;
  }
  variant(): number {
    return VARIANT_BASE;
  }
  nuance(): number {
    return NUANCE_ANY;
  }
  copyFrame(i: number, dst: Uint8Array): void {
    const e = EMOTIONS[this.emotion(i)];
    const big = this.band(i);
    clear(dst);
    const ry = e === "surprise" || e === "fear" ? 13 : e === "mad" || e === "sad" || e === "power" ? 8 : 11;
    for (const cx of [37, 91]) {
      fillEllipse(dst, cx, 28, 14, ry, true);
      fillEllipse(dst, cx, 28, 12, ry - 2, false);
      fillEllipse(dst, cx, 28, 4, 4, true);
    }
    const w = 10 + 4 * big;
    if (e === "joy" || e === "love" || e === "calm" || e === "power") {
      for (let x = -w; x <= w; x++) fillRect(dst, 64 + x, 52 - ((x * x * 5) / (w * w) | 0) + (e === "calm" ? 2 : 0), 1, 2, true);
    } else if (e === "sad" || e === "mad" || e === "fear") {
      for (let x = -w; x <= w; x++) fillRect(dst, 64 + x, 50 + ((x * x * 5) / (w * w) | 0), 1, 2, true);
    } else {
      fillEllipse(dst, 64, 53, 5 + big, 5 + big, true);
      fillEllipse(dst, 64, 53, 3 + big, 3 + big, false);
    }
  }
  latent(): boolean {
    return false;
  }
  eyes(_i: number, out: Int16Array): number {
    out[0] = 22;
    out[1] = 14;
    out[2] = 52;
    out[3] = 42;
    out[4] = 76;
    out[5] = 14;
    out[6] = 106;
    out[7] = 42;
    return 2;
  }
}

/**
 * The keyframe to show for an emotion, intensity band and nuance word: a base keyframe of that
 * emotion, the exact band and a matching nuance preferred; calm, then keyframe 0, if the emotion has
 * none. Scans the index: call it when the wish changes, not every frame.
 */
export function chooseKeyframe(source: FaceSource, emotion: number, band: number, nuance: number): number {
  for (let pass = 0; pass < 2; pass++) {
    const e = pass === 0 ? emotion : CALM;
    let best = -1;
    let bestScore = -1000;
    for (let i = 0; i < source.count; i++) {
      if (source.emotion(i) !== e || source.variant(i) !== VARIANT_BASE) continue;
      const n = source.nuance(i);
      if (n !== NUANCE_ANY && n !== nuance) continue;
      const d = source.band(i) - band;
      const score = (n === nuance ? 8 : 0) - (d < 0 ? -d : d);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best >= 0) return best;
  }
  return 0;
}

export { FRAME_BYTES };
