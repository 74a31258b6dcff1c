/*
 * The face animator: from the engine's state to the next page-packed frame.
 *
 * - Keyframe for the dominant emotion, its intensity band and nuance word (chooseKeyframe).
 * - Transitions when the keyframe changes: a 400 ms ordered-dither crossfade (Bayer 4x4, 17 levels)
 *   from whatever was showing, or a morph through the latent decoder when the pack has one.
 * - Idle life: Cozmo-timed blinks (7 frames of 33 ms with eye heights .85 .6 .1 .05 .15 .7 .9,
 *   every 3-10 s), saccades (eyes dart up to 12 px every 1-2.25 s, often back to centre) and slow
 *   breathing (the face rises one pixel for 2 s of every 4). The zoom-in on strong emotions is drawn
 *   into the strong keyframes, so a change of band zooms through the transition.
 *
 * Deterministic for a seed and the sequence of update() times; integer-only and allocation-free per
 * frame. It hands out a buffer and knows nothing of displays.
 */
import type { EmotionState } from "../emotion/engine.js";
import { chooseKeyframe, type FaceSource } from "./faces.js";
import { BAYER4, FRAME_BYTES, WIDTH } from "./raster.js";
import { HEIGHT } from "../common/geometry.js";
import { Random } from "../common/random.js";
import type { LatentDecoder } from "./decoder.js";
import { BLINK_FRAME_MS, BLINK_PERMILLE } from "./blink.js";
import { MAX_LATENT } from "../pack/pack.js";
import { fillEllipse, vline } from "./raster.js";
import {
  EYES_HEARTS, EYES_SQUASH, EYES_WIDE, NO_REFLEX, REFLEX_FIRST, REFLEX_MS, REFLEXES, STAGE_AMOUNT, STAGE_DX, STAGE_END, STAGE_EYES, STAGE_LIFT,
} from "./reflexes.js";

export { BLINK_FRAME_MS };
export const TRANSITION_MS = 400;
/** Transitions step through 17 levels (0..16): level = elapsed * 16 / TRANSITION_MS as a multiply-shift. */
const LEVEL_MUL = Math.round((16 << 10) / TRANSITION_MS);
/** Blink heights in 1/256, from the shared table. */
const BLINK_HEIGHTS = Object.freeze(BLINK_PERMILLE.map((p) => Math.round((p * 256) / 1000)));
const BLINK_MS = BLINK_HEIGHTS.length * BLINK_FRAME_MS;
/** stage = elapsed / BLINK_FRAME_MS as a multiply-shift (exact over one blink: checked below). */
const STAGE_MUL = Math.ceil(65536 / BLINK_FRAME_MS);
for (let t = 0; t < BLINK_MS; t++) if ((Math.imul(t, STAGE_MUL) >>> 16) !== ((t / BLINK_FRAME_MS) | 0)) throw new Error("animator: blink stage multiplier");
export const BLINK_EVERY_MS = Object.freeze([3000, 10000]);
export const SACCADE_EVERY_MS = Object.freeze([1000, 2250]);
export const SACCADE_MAX_X = 12;
export const SACCADE_MAX_Y = 3;
export const BREATH_PERIOD_MS = 4000;
/** Asleep: eyes closed to a line (this/256 of their height), breathing slower. */
export const SLEEP_EYES = 13;
export const SLEEP_BREATH_PERIOD_MS = 6000;
/** How long a look toward a stimulus holds the eyes before idle glances resume. */
export const LOOK_MS = 1500;

/** For dither level L (0..16) and column x&3: the byte mask of rows (within a page) that show the
 *  new frame. Rows y and y+4 share a Bayer row, so one byte covers a page. */
const CROSSFADE_MASKS = (() => {
  const m = new Uint8Array(17 * 4);
  for (let level = 0; level <= 16; level++) {
    for (let x = 0; x < 4; x++) {
      let bits = 0;
      for (let row = 0; row < 8; row++) if (BAYER4[(row & 3) * 4 + x] < level) bits |= 1 << row;
      m[level * 4 + x] = bits;
    }
  }
  return m;
})();

/** Ordered-dither crossfade at `level` (0 all `from` .. 16 all `to`) of two page-packed frames. */
export function crossfade(from: Uint8Array, to: Uint8Array, level: number, out: Uint8Array): void {
  crossfadeWith(from, to, CROSSFADE_MASKS, level, out);
}

function crossfadeWith(from: Uint8Array, to: Uint8Array, masks: Uint8Array, level: number, out: Uint8Array): void {
  const row = level * 4;
  for (let i = 0; i < FRAME_BYTES; i++) {
    const m = masks[row + (i & 3)];
    out[i] = (from[i] & ~m) | (to[i] & m);
  }
}

/**
 * The animator's whole-frame byte work: the crossfade and the one-pixel lift (breathing, reflexes).
 * PortableAnimatorOps is the host's; the board passes the C one (face/native-animator,
 * native/face/animator.c), which gives the same frames (tests/face/native-animator.test.ts).
 */
export interface AnimatorOps {
  /** Crossfade at `level` with the dither table `masks` (17 levels x 4 columns of row bytes). */
  crossfade(from: Uint8Array, to: Uint8Array, masks: Uint8Array, level: number, out: Uint8Array): void;
  /** Moves the page-packed frame up one pixel when its top row is empty; true when it moved. */
  lift(frame: Uint8Array): boolean;
}

export class PortableAnimatorOps implements AnimatorOps {
  crossfade(from: Uint8Array, to: Uint8Array, masks: Uint8Array, level: number, out: Uint8Array): void {
    crossfadeWith(from, to, masks, level, out);
  }

  /** The frame as 256 words of 4 columns each, for whole-frame shifts (one view per frame buffer). */
  private words: Uint32Array = new Uint32Array(0);
  private wordsOf: Uint8Array | undefined;

  lift(frame: Uint8Array): boolean {
    if (frame !== this.wordsOf) {
      this.wordsOf = frame;
      this.words = new Uint32Array(frame.buffer, frame.byteOffset, FRAME_BYTES >> 2);
    }
    const w = this.words;
    // Row 0 is bit 0 of every byte of page 0; four columns a word.
    for (let i = 0; i < WIDTH >> 2; i++) if ((w[i] & 0x01010101) !== 0) return false;
    // Each byte takes the next page's top bit as its new bottom bit.
    const pageWords = WIDTH >> 2;
    for (let i = 0; i < w.length; i++) {
      const next = i + pageWords < w.length ? w[i + pageWords] : 0;
      w[i] = ((w[i] >>> 1) & 0x7f7f7f7f) | ((next & 0x01010101) << 7);
    }
    return true;
  }
}

export interface AnimatorOptions {
  seed?: number;
  /** Morph transitions through this decoder when both keyframes have latents. */
  decoder?: LatentDecoder;
  blink?: boolean;
  saccades?: boolean;
  breathing?: boolean;
  /** The whole-frame byte work: the board passes the C one (face/native-animator); default portable. */
  ops?: AnimatorOps;
}

export class Animator {
  /** The frame to display: valid after update(). */
  readonly frame = new Uint8Array(FRAME_BYTES);
  /** Keyframe index being shown or faded to. */
  target = -1;
  /** What the animator is doing now, for tests and the simulator. */
  blinking = false;
  transitioning = false;
  gazeX = 0;
  gazeY = 0;
  /** The reflex playing (REFLEXES index), or -1. */
  reflexing = NO_REFLEX;
  /** Eyes closed, slow breathing, no idle life; reflexes wait until awake. */
  asleep = false;

  private readonly source: FaceSource;
  private readonly random: Random;
  private readonly options: Required<Omit<AnimatorOptions, "decoder" | "ops">>;
  private readonly decoder: LatentDecoder | undefined;
  private readonly ops: AnimatorOps;
  /** Morphing: latents of both ends, the one on screen, and the last dither level decoded. */
  morphing = false;
  private readonly fromLatent = new Int8Array(MAX_LATENT);
  private readonly toLatent = new Int8Array(MAX_LATENT);
  private readonly shownLatent = new Int8Array(MAX_LATENT);
  private shownHasLatent = false;
  private morphLevel = -1;
  private readonly from = new Uint8Array(FRAME_BYTES);
  private readonly to = new Uint8Array(FRAME_BYTES);
  private readonly base = new Uint8Array(FRAME_BYTES);
  private readonly eyeBoxes = new Int16Array(8);
  private eyeCount = 0;
  private readonly columnLo = new Int32Array(WIDTH);
  private readonly columnHi = new Int32Array(WIDTH);
  private readonly rowTarget = new Int8Array(64);
  private wishEmotion = -1;
  private wishBand = -1;
  private wishNuance = -1;
  private transitionStart = 0;
  private blinkStart = 0;
  private nextBlink = 0;
  private nextSaccade = 0;
  private started = false;
  private reflexStart = 0;
  private lookX = 0;
  private lookY = 0;
  private lookUntil = -1;

  constructor(source: FaceSource, options: AnimatorOptions = {}) {
    this.source = source;
    this.options = { seed: options.seed ?? 1, blink: options.blink ?? true, saccades: options.saccades ?? true, breathing: options.breathing ?? true };
    this.random = new Random(this.options.seed);
    this.decoder = options.decoder && options.decoder.latentSize <= MAX_LATENT ? options.decoder : undefined;
    this.ops = options.ops ?? new PortableAnimatorOps();
  }

  /** Plays reflex `kind` (a REFLEXES index) from time `now`, over whatever the mood shows; a new one replaces one playing. Ignored while asleep. */
  reflex(kind: number, now: number): boolean {
    if (this.asleep || !(kind >= 0 && kind < REFLEXES.length)) return false;
    this.reflexing = kind | 0;
    this.reflexStart = now;
    this.blinking = false;
    return true;
  }

  /** Falls asleep (eyes closed, slow breathing) or wakes. */
  sleep(asleep: boolean): void {
    this.asleep = asleep;
    this.reflexing = NO_REFLEX;
    this.blinking = false;
    this.gazeX = 0;
    this.gazeY = 0;
  }

  /** Turns the eyes (dx, dy px, clamped to the glance range) for LOOK_MS from `now`: toward where a stimulus came from. */
  look(dx: number, dy: number, now: number): void {
    this.lookX = dx > SACCADE_MAX_X ? SACCADE_MAX_X : dx < -SACCADE_MAX_X ? -SACCADE_MAX_X : dx | 0;
    this.lookY = dy > SACCADE_MAX_Y ? SACCADE_MAX_Y : dy < -SACCADE_MAX_Y ? -SACCADE_MAX_Y : dy | 0;
    this.lookUntil = now + LOOK_MS;
  }

  /** Computes the frame for time `now` (ms, any origin, non-decreasing) and the engine's state. */
  update(now: number, state: Pick<EmotionState, "dominant" | "band" | "nuance">): Uint8Array {
    if (!this.started) {
      this.started = true;
      this.nextBlink = now + this.random.range(BLINK_EVERY_MS[0], BLINK_EVERY_MS[1]);
      this.nextSaccade = now + this.random.range(SACCADE_EVERY_MS[0], SACCADE_EVERY_MS[1]);
    }
    if (state.dominant !== this.wishEmotion || state.band !== this.wishBand || state.nuance !== this.wishNuance) {
      this.wishEmotion = state.dominant;
      this.wishBand = state.band;
      this.wishNuance = state.nuance;
      const k = chooseKeyframe(this.source, state.dominant, state.band, state.nuance);
      if (k !== this.target) this.startTransition(now, k);
    }

    const base = this.base;
    if (this.transitioning) {
      const elapsed = now - this.transitionStart;
      const level = elapsed >= TRANSITION_MS ? 16 : (Math.imul(elapsed, LEVEL_MUL) >> 10) | 0;
      if (level >= 16) {
        if (this.morphing) this.shownLatent.set(this.toLatent);
        this.transitioning = false;
        this.morphing = false;
        base.set(this.to);
      } else if (this.morphing) {
        // Along the line between the two latents; decode only when the point moves.
        if (level !== this.morphLevel) {
          this.morphLevel = level;
          const z = this.shownLatent;
          const a = this.fromLatent;
          const b = this.toLatent;
          // (latentSize read once: on the board it is a native getter.)
          for (let k = 0, n = this.decoder!.latentSize; k < n; k++) z[k] = a[k] + ((Math.imul(b[k] - a[k], level) + 8) >> 4);
          if (!this.decoder!.decode(z, base)) this.morphing = false;
        }
      } else {
        this.ops.crossfade(this.from, this.to, CROSSFADE_MASKS, level, base);
      }
    }
    const out = this.frame;
    out.set(base);

    // Reflexes and sleep first; idle life runs only without them and when no transition is under
    // way, so it never fights a morph.
    if (this.reflexing >= 0 && now - this.reflexStart >= REFLEX_MS[this.reflexing]) {
      this.reflexing = NO_REFLEX;
      this.gazeX = 0;
      this.gazeY = 0;
    }
    if (this.reflexing >= 0) {
      this.playReflex(out, now - this.reflexStart);
      return out;
    }
    if (this.asleep) {
      if (this.eyeCount > 0) this.squashEyes(out, SLEEP_EYES);
      if (this.options.breathing && now % SLEEP_BREATH_PERIOD_MS >= SLEEP_BREATH_PERIOD_MS >> 1) this.ops.lift(out);
      return out;
    }
    if (!this.transitioning && this.eyeCount > 0) {
      if (now < this.lookUntil) {
        this.gazeX = this.lookX;
        this.gazeY = this.lookY;
        if (this.nextSaccade < this.lookUntil) this.nextSaccade = this.lookUntil;
      } else if (this.lookUntil >= 0) {
        // The look is over: back to centre, glances resume.
        this.lookUntil = -1;
        this.gazeX = 0;
        this.gazeY = 0;
      } else if (this.options.saccades && now >= this.nextSaccade) {
        this.nextSaccade = now + this.random.range(SACCADE_EVERY_MS[0], SACCADE_EVERY_MS[1]);
        if (this.random.range(0, 2) === 0) {
          this.gazeX = 0;
          this.gazeY = 0;
        } else {
          this.gazeX = this.random.range(-SACCADE_MAX_X, SACCADE_MAX_X);
          this.gazeY = this.random.range(-SACCADE_MAX_Y, SACCADE_MAX_Y);
        }
      }
      if ((this.gazeX !== 0 || this.gazeY !== 0)) this.shiftEyes(out, this.gazeX, this.gazeY);
      if (this.options.blink) {
        if (!this.blinking && now >= this.nextBlink) {
          this.blinking = true;
          this.blinkStart = now;
        }
        if (this.blinking) {
          const elapsed = now - this.blinkStart;
          const stage = elapsed >= BLINK_MS ? BLINK_HEIGHTS.length : Math.imul(elapsed, STAGE_MUL) >>> 16;
          if (stage >= BLINK_HEIGHTS.length) {
            this.blinking = false;
            this.nextBlink = now + this.random.range(BLINK_EVERY_MS[0], BLINK_EVERY_MS[1]);
          } else {
            this.squashEyes(out, BLINK_HEIGHTS[stage]);
          }
        }
      }
    }
    if (this.options.breathing && now % BREATH_PERIOD_MS >= BREATH_PERIOD_MS >> 1) this.ops.lift(out);
    return out;
  }

  /** One frame of the reflex playing, `elapsed` ms after its onset. */
  private playReflex(out: Uint8Array, elapsed: number): void {
    let i = REFLEX_FIRST[this.reflexing];
    while (STAGE_END[i] <= elapsed) i++;
    this.gazeX = STAGE_DX[i];
    this.gazeY = 0;
    if (this.eyeCount > 0) {
      const eyes = STAGE_EYES[i];
      if (eyes === EYES_HEARTS) this.heartEyes(out);
      else {
        if (this.gazeX !== 0) this.shiftEyes(out, this.gazeX, 0);
        if (eyes === EYES_SQUASH) this.squashEyes(out, STAGE_AMOUNT[i]);
        else if (eyes === EYES_WIDE) this.widenEyes(out);
      }
    }
    // A lift (here and in breathing) never pushes ink off the top edge: a drawing's brows may sit on row 0.
    for (let lift = STAGE_LIFT[i]; lift > 0 && this.ops.lift(out); lift--);
  }

  /** Stretches each eye about its centre to 5/4 of its height (eyes flying open). */
  private widenEyes(f: Uint8Array): void {
    const b = this.eyeBoxes;
    for (let e = 0; e < this.eyeCount; e++) {
      const x0 = clampX(b[4 * e] + this.gazeX);
      const x1 = clampX(b[4 * e + 2] + this.gazeX);
      const y0 = clampY(b[4 * e + 1]);
      const y1 = clampY(b[4 * e + 3]);
      const cy = (y0 + y1) >> 1;
      const d0 = clampY(cy + ((Math.imul(y0 - cy, 5) - 2) >> 2));
      const d1 = clampY(cy + ((Math.imul(y1 - cy, 5) + 2) >> 2));
      const maskLo = rowMask(d0, d1, 0);
      const maskHi = rowMask(d0, d1, 32);
      for (let x = x0; x <= x1; x++) {
        const lo = lowRows(f, x);
        const hi = highRows(f, x);
        let nlo = lo & ~maskLo;
        let nhi = hi & ~maskHi;
        for (let y = d0; y <= d1; y++) {
          // The source row: y pulled 4/5 of the way back toward the centre (205/256).
          const s = cy + ((Math.imul(y - cy, 205) + 128) >> 8);
          if (s < y0 || s > y1) continue;
          const lit = s < 32 ? (lo >>> s) & 1 : (hi >>> (s - 32)) & 1;
          if (lit === 0) continue;
          if (y < 32) nlo |= 1 << y;
          else nhi |= 1 << (y - 32);
        }
        putColumn(f, x, nlo, nhi);
      }
    }
  }

  /** Replaces each eye by a filled heart as large as its box. */
  private heartEyes(f: Uint8Array): void {
    const b = this.eyeBoxes;
    for (let e = 0; e < this.eyeCount; e++) {
      const x0 = b[4 * e];
      const y0 = b[4 * e + 1];
      const x1 = b[4 * e + 2];
      const y1 = b[4 * e + 3];
      for (let x = x0; x <= x1; x++) vline(f, x, y0, y1, false);
      const w = x1 - x0 + 1;
      const h = y1 - y0 + 1;
      let r = w >> 2;
      if (r > h >> 2) r = h >> 2;
      if (r < 2) r = 2;
      const cx = (x0 + x1) >> 1;
      const top = y0 + ((h - 4 * r) >> 1);
      fillEllipse(f, cx - r, top + r, r, r, true);
      fillEllipse(f, cx + r, top + r, r, r, true);
      // The point: each column from the lobes' centre line down to a line toward (cx, top + 4r).
      const span = 3 * r;
      for (let dx = -2 * r; dx <= 2 * r; dx++) {
        const ax = dx < 0 ? -dx : dx;
        vline(f, cx + dx, top + r, top + r + span - (((span * ax) / (2 * r)) | 0), true);
      }
    }
  }

  private startTransition(now: number, k: number): void {
    this.from.set(this.target < 0 ? this.to : this.base);
    this.source.copyFrame(k, this.to);
    // Morph when the decoder can: from the latent on screen to the new keyframe's. Otherwise the
    // new keyframe's latent (if any) is what a later morph starts from.
    const toHas = this.decoder !== undefined && this.source.latent(k, this.toLatent);
    this.morphing = toHas && this.shownHasLatent && this.target >= 0;
    if (this.morphing) {
      this.fromLatent.set(this.shownLatent);
      this.morphLevel = -1;
    } else if (toHas) {
      this.shownLatent.set(this.toLatent);
    }
    this.shownHasLatent = toHas;
    this.eyeCount = this.source.eyes(k, this.eyeBoxes);
    if (this.target < 0) {
      // The first face appears at once.
      this.base.set(this.to);
      this.transitioning = false;
    } else {
      this.transitioning = true;
      this.transitionStart = now;
    }
    this.target = k;
    this.blinking = false;
    this.gazeX = 0;
    this.gazeY = 0;
  }

  /**
   * Moves each eye's box content by (dx, dy): the eyes dart, brows and mouth stay. Columns are
   * handled as two 32-row words (pages 0-3 and 4-7); the loops are written out because function
   * calls and property lookups dominate the cost on XS.
   */
  private shiftEyes(f: Uint8Array, dx: number, dy: number): void {
    const b = this.eyeBoxes;
    const keepLo = this.columnLo;
    const keepHi = this.columnHi;
    for (let e = 0; e < this.eyeCount; e++) {
      const x0 = b[4 * e];
      const y0 = b[4 * e + 1];
      const x1 = b[4 * e + 2];
      const y1 = b[4 * e + 3];
      const maskLo = rowMask(y0, y1, 0);
      const maskHi = rowMask(y0, y1, 32);
      // Lift the eye out of the frame...
      for (let x = x0; x <= x1; x++) {
        const lo = lowRows(f, x);
        const hi = highRows(f, x);
        keepLo[x] = lo & maskLo;
        keepHi[x] = hi & maskHi;
        putColumn(f, x, lo & ~maskLo, hi & ~maskHi);
      }
      // ...and put it back shifted.
      for (let x = x0; x <= x1; x++) {
        const tx = x + dx;
        if (tx < 0 || tx >= WIDTH) continue;
        let lo = keepLo[x];
        let hi = keepHi[x];
        if (dy > 0) {
          hi = (hi << dy) | (lo >>> (32 - dy));
          lo = lo << dy;
        } else if (dy < 0) {
          lo = (lo >>> -dy) | (hi << (32 + dy));
          hi = hi >>> -dy;
        }
        if ((lo | hi) !== 0) putColumn(f, tx, lowRows(f, tx) | lo, highRows(f, tx) | hi);
      }
    }
  }

  /**
   * Squashes each eye vertically about its centre to h/256 of its height (the blink). Each lit pixel
   * moves to its row's squashed row; only lit pixels are visited (an eye outline has a few per column).
   */
  private squashEyes(f: Uint8Array, h: number): void {
    const b = this.eyeBoxes;
    const dst = this.rowTarget;
    for (let e = 0; e < this.eyeCount; e++) {
      const x0 = clampX(b[4 * e] + this.gazeX);
      const x1 = clampX(b[4 * e + 2] + this.gazeX);
      const y0 = clampY(b[4 * e + 1] + this.gazeY);
      const y1 = clampY(b[4 * e + 3] + this.gazeY);
      const cy = (y0 + y1) >> 1;
      const maskLo = rowMask(y0, y1, 0);
      const maskHi = rowMask(y0, y1, 32);
      for (let y = y0; y <= y1; y++) dst[y] = cy + ((Math.imul(y - cy, h) + 128) >> 8);
      for (let x = x0; x <= x1; x++) {
        const lo = lowRows(f, x);
        const hi = highRows(f, x);
        let nlo = lo & ~maskLo;
        let nhi = hi & ~maskHi;
        for (let half = 0; half < 2; half++) {
          let bits = half === 0 ? lo & maskLo : hi & maskHi;
          while (bits !== 0) {
            const bit = 31 - Math.clz32(bits & -bits);
            bits &= bits - 1;
            const y = dst[bit + 32 * half];
            if (y < 32) nlo |= 1 << y;
            else nhi |= 1 << (y - 32);
          }
        }
        putColumn(f, x, nlo, nhi);
      }
    }
  }
}

/*
 * A column of the page-packed frame as two int32 words: rows 0..31 (pages 0-3) and rows 32..63
 * (pages 4-7), bit y on row y. The one place that knows how a column's bytes pack into words.
 */
/** Where the lower half's pages start: four pages down. */
const HALF = 4 * WIDTH;

/** Rows 0..31 of column x. */
function lowRows(f: Uint8Array, x: number): number {
  return f[x] | (f[x + WIDTH] << 8) | (f[x + 2 * WIDTH] << 16) | (f[x + 3 * WIDTH] << 24);
}

/** Rows 32..63 of column x. */
function highRows(f: Uint8Array, x: number): number {
  return lowRows(f, x + HALF);
}

/** Writes a column's two 32-row words back into the frame. */
function putColumn(f: Uint8Array, x: number, lo: number, hi: number): void {
  f[x] = lo & 0xff;
  f[x + WIDTH] = (lo >>> 8) & 0xff;
  f[x + 2 * WIDTH] = (lo >>> 16) & 0xff;
  f[x + 3 * WIDTH] = lo >>> 24;
  f[x + HALF] = hi & 0xff;
  f[x + HALF + WIDTH] = (hi >>> 8) & 0xff;
  f[x + HALF + 2 * WIDTH] = (hi >>> 16) & 0xff;
  f[x + HALF + 3 * WIDTH] = hi >>> 24;
}

/** Bits y0..y1 of the 32-row half starting at `base`, as an int32 mask. */
function rowMask(y0: number, y1: number, base: number): number {
  const a = y0 - base < 0 ? 0 : y0 - base;
  const z = y1 - base > 31 ? 31 : y1 - base;
  if (z < 0 || a > 31 || a > z) return 0;
  const upper = z === 31 ? -1 : ((1 << (z + 1)) - 1) | 0;
  return upper & ~((1 << a) - 1);
}

function clampX(x: number): number {
  return x < 0 ? 0 : x > WIDTH - 1 ? WIDTH - 1 : x;
}

function clampY(y: number): number {
  return y < 0 ? 0 : y > HEIGHT - 1 ? HEIGHT - 1 : y;
}
