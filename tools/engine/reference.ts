/*
 * The float64 reference for the emotion engine: the same ODE, dN/dt = r N (1 - N/K) - s (N - M),
 * integrated with classic Runge-Kutta at a fine step (1 ms against the engine's 20 ms tick), with the
 * same stimulus rules (doses as fractions of K, habituation, clamping to [0, K]) applied at the same
 * tick boundaries as the engine. Tests and `moodface engine simulate --reference` compare against it.
 */
import type { Profile } from "../../modules/emotion/profile.js";
import { TICK_MS } from "../../modules/emotion/profile.js";
import type { Catalog } from "../../modules/emotion/catalog.js";
import { CHANNEL_COUNT, PASSION_COUNT } from "../../modules/emotion/names.js";
import { ONE } from "../../modules/emotion/fixed.js";
import type { EmotionEngine } from "../../modules/emotion/engine.js";

export class ReferenceModel {
  /** Levels as fractions of K. */
  readonly levels = new Float64Array(CHANNEL_COUNT);
  private integratedMs = 0;
  private readonly lastSeen = new Map<number, number>();
  private readonly r: number[];
  private readonly s: number[];
  private readonly m: number[];

  constructor(
    readonly profile: Profile,
    readonly catalog: Catalog,
    readonly stepMs = 1,
  ) {
    this.r = profile.channels.map((c) => c.r);
    this.s = profile.channels.map((c) => c.s);
    this.m = profile.channels.map((c) => c.M / c.K);
    profile.channels.forEach((c, i) => (this.levels[i] = c.rest / c.K));
  }

  private slope(ch: number, x: number): number {
    return this.r[ch] * x * (1 - x) - this.s[ch] * (x - this.m[ch]);
  }

  /** Integrates up to the last tick boundary at or before tMs, as the engine does. */
  advanceTo(tMs: number): void {
    const target = Math.floor(tMs / TICK_MS) * TICK_MS;
    const h = this.stepMs / 1000;
    while (this.integratedMs < target) {
      for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
        const x = this.levels[ch];
        const k1 = this.slope(ch, x);
        const k2 = this.slope(ch, x + (h / 2) * k1);
        const k3 = this.slope(ch, x + (h / 2) * k2);
        const k4 = this.slope(ch, x + h * k3);
        this.levels[ch] = x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      }
      this.integratedMs += this.stepMs;
    }
  }

  /** Habituation factor for a repeat `age` ms after the same stimulus (the catalog's graph, in float). */
  habituation(age: number): number {
    const xs = this.catalog.habituation.ms;
    const ys = Array.from(this.catalog.habituation.factor, (q) => q / ONE);
    const last = xs.length - 1;
    if (age >= xs[last]) return ys[last];
    let i = 0;
    while (xs[i + 1] <= age) i++;
    return ys[i] + ((age - xs[i]) * (ys[i + 1] - ys[i])) / (xs[i + 1] - xs[i]);
  }

  /**
   * The passions' extra dose per channel (fraction of K), as the engine appraises it, in float. Only
   * the stimulus's own tags vote: the reference takes no extra context tags (its storms send none).
   */
  appraise(index: number): number[] {
    const extra = new Array<number>(CHANNEL_COUNT).fill(0);
    const c = this.catalog;
    for (let p = 0; p < PASSION_COUNT; p++) {
      const w = this.profile.passions[p];
      const vote = c.stimulusPassion[index * PASSION_COUNT + p];
      if (w === 0 || vote === 0) continue;
      const d = vote > 0 ? c.servesDoses : c.violatesDoses;
      for (let ch = 0; ch < CHANNEL_COUNT; ch++) extra[ch] += (w * d[ch]) / ONE;
    }
    return extra;
  }

  /** Applies stimulus `index` at intensity 0..1 at time tMs (integrating up to it first). */
  stimulate(index: number, intensity: number, tMs: number): void {
    this.advanceTo(tMs);
    const seen = this.lastSeen.get(index);
    const effect = intensity * (seen === undefined ? this.habituation(Infinity) : this.habituation(tMs - seen));
    const extra = this.appraise(index);
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
      const dose = this.catalog.doses[index * CHANNEL_COUNT + ch] / ONE + extra[ch];
      this.levels[ch] = Math.min(1, Math.max(0, this.levels[ch] + dose * effect));
    }
    this.lastSeen.set(index, tMs);
  }
}

/** A stimulus at a time: index into the catalog and Q8.24 intensity. */
export interface TimedStimulus {
  t: number;
  stimulus: number;
  intensity: number;
}

/**
 * Runs an engine and the float64 reference side by side over a storm of stimuli, sampling every
 * sampleMs; returns the largest level gap seen, as a fraction of K.
 */
export function largestGap(engine: EmotionEngine, storm: readonly TimedStimulus[], durationMs: number, sampleMs: number): number {
  const ref = new ReferenceModel(engine.profile, engine.catalog);
  let t = 0;
  let worst = 0;
  let ei = 0;
  for (let next = 0; next <= durationMs; next += sampleMs) {
    while (ei < storm.length && storm[ei].t <= next) {
      const ev = storm[ei++];
      engine.step(ev.t - t);
      t = ev.t;
      engine.stimulate(ev.stimulus, ev.intensity);
      ref.stimulate(ev.stimulus, ev.intensity / ONE, t);
    }
    engine.step(next - t);
    t = next;
    ref.advanceTo(t);
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) worst = Math.max(worst, Math.abs(engine.state.levels[ch] / ONE - ref.levels[ch]));
  }
  return worst;
}
