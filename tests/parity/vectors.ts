/*
 * Engine test vectors for the XS parity suite. Pure ECMAScript (it runs on XS and on Node): builds the
 * engine from the shipped data, drives it with seeded pseudo-random stimulus storms and variable step
 * sizes, and prints an FNV-1a hash of the whole trajectory every 500 steps plus the final state. Equal
 * output on both engines means bit-identical trajectories.
 */
import { EmotionEngine } from "../../modules/emotion/engine.js";
import { loadProfile } from "../../modules/emotion/profile.js";
import { loadCatalog } from "../../modules/emotion/catalog.js";
import { loadWheel } from "../../modules/emotion/wheel.js";
import { ONE } from "../../modules/emotion/fixed.js";
import type { Json } from "../../modules/emotion/check.js";
import { Random } from "../../modules/common/random.js";
import { openPack } from "../../modules/pack/pack.js";
import { FallbackFaces, PackFaces, type FaceSource } from "../../modules/face/faces.js";
import { Animator } from "../../modules/face/animator.js";

export interface ParityData {
  profiles: Record<string, Json>;
  stimuli: Json;
  wheel: Json;
  /** The shipped frames.bin, byte by byte. */
  pack: number[];
}

/** The same integer sequence on every engine. */
export function xorshift32(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

function fnv(h: number, v: number): number {
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ ((v >>> (i * 8)) & 0xff), 16777619);
  }
  return h >>> 0;
}

function hashArray(h: number, a: Int32Array): number {
  for (let i = 0; i < a.length; i++) h = fnv(h, a[i]);
  return h;
}

export function runEngineVectors(data: ParityData, out: (line: string) => void, steps = 6000): void {
  const catalog = loadCatalog(data.stimuli, "stimuli.json");
  const wheel = loadWheel(data.wheel, "wheel.json", catalog.tags);
  out(`wheel tagDecay=${wheel.tagDecay} threshold=${wheel.threshold} slopes=${Array.from(catalog.habituation.slope).join(",")}`);
  const names = Object.keys(data.profiles).sort();
  for (const name of names) {
    const profile = loadProfile(data.profiles[name], `${name}.json`);
    let tables = 2166136261;
    for (const t of [profile.rDt, profile.sDt, profile.normal, profile.growthMinusDecay, profile.decayTimesNormal, profile.rest, profile.invAbove, profile.invBelow, profile.altBias, profile.termWeight, profile.passionWeight]) {
      tables = hashArray(tables, t);
    }
    out(`${name} tables=${tables} invT=${profile.invTemperature} cut=${profile.softmaxCut}`);
    for (let seed = 1; seed <= 3; seed++) {
      const engine = new EmotionEngine(profile, catalog, wheel);
      const rand = xorshift32(seed * 7919 + name.length);
      const s = engine.state;
      const extra = new Int32Array(4);
      let h = 2166136261;
      let appraised = 0;
      for (let k = 1; k <= steps; k++) {
        const roll = rand() % 100;
        if (roll < 4) engine.stimulate(rand() % catalog.names.length, rand() % (ONE + 1));
        else if (roll < 5) engine.stimulate(rand() % catalog.names.length, ONE); // repeats: habituation
        else if (roll < 7) {
          // Extra context tags vote in the passions' appraisal too (the link's STIMULUS tags).
          const n = 1 + (rand() % 4);
          for (let i = 0; i < n; i++) extra[i] = rand() % catalog.tags.length;
          engine.stimulate(rand() % catalog.names.length, rand() % (ONE + 1), extra, n);
        }
        if (roll < 7 && (s.served | s.violated) !== 0) appraised++;
        h = fnv(fnv(h, s.served), s.violated);
        engine.step(1 + (rand() % 97));
        h = hashArray(h, s.levels);
        h = hashArray(h, s.probabilities);
        h = fnv(fnv(fnv(h, s.dominant), s.intensity), s.nuance);
        if (k % 500 === 0) out(`${name} seed=${seed} step=${k} t=${s.timeMs} appraised=${appraised} hash=${h}`);
      }
      out(`${name} seed=${seed} appraised=${appraised} final levels=${Array.from(s.levels).join(",")} p=${Array.from(s.probabilities).join(",")} dominant=${s.dominant} nuance=${s.nuance}`);
    }
  }
}

/**
 * Face vectors: the animator over the shipped pack and over the fallback faces, with emotion changes
 * every couple of seconds; prints a hash of every frame so far every 300 frames (33 ms each).
 */
export function runFaceVectors(data: ParityData, out: (line: string) => void, frames = 3000): void {
  const bytes = new Uint8Array(data.pack.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = data.pack[i];
  const opened = openPack(bytes.buffer, "frames.bin");
  if (!opened.ok) {
    out(`pack error ${opened.error}`);
    return;
  }
  const sources: [string, FaceSource][] = [
    ["pack", new PackFaces(opened.pack)],
    ["fallback", new FallbackFaces()],
  ];
  for (const [name, source] of sources) {
    const animator = new Animator(source, { seed: 1234 });
    const rand = xorshift32(99);
    const state = { dominant: 7, band: 0, nuance: 255 };
    let h = 2166136261;
    for (let k = 1; k <= frames; k++) {
      if (rand() % 60 === 0) {
        state.dominant = rand() % 8;
        state.band = rand() % 3;
      }
      // Reflexes, sleep and looks (modules/face/reflexes.ts) on top of the mood.
      const r = rand() % 1000;
      if (r < 15) animator.reflex(r % 5, k * 33);
      else if (r < 17) animator.sleep(!animator.asleep);
      else if (r < 22) animator.look((rand() % 25) - 12, (rand() % 7) - 3, k * 33);
      const f = animator.update(k * 33, state);
      for (let i = 0; i < f.length; i++) h = Math.imul(h ^ f[i], 16777619) >>> 0;
      if (k % 300 === 0) out(`face ${name} frame=${k} target=${animator.target} gaze=${animator.gazeX},${animator.gazeY} reflex=${animator.reflexing} asleep=${animator.asleep} hash=${h}`);
    }
  }
}
