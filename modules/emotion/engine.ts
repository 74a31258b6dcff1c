/*
 * The emotion engine: neuromodulator levels that follow the author's ODE
 *     dN/dt = r N (1 - N/K) - s (N - M)
 * integrated in Q8.24 at a fixed 20 ms tick (Heun's method), stimuli that add doses with habituation,
 * and a readout: emotion scores, a fixed-point softmax with temperature, a dominant emotion with
 * hysteresis, an intensity and a Feeling Wheel word chosen from recent context tags.
 *
 * Pure ECMAScript: no host APIs, no floating point and no allocation after construction, so the same
 * module runs on XS on the ESP32-S3, in the XS parity suite and in Node.js with identical bits.
 * Levels are fractions of capacity (ONE = K); profile.levelOf() turns them into the profile's units.
 */
import { ONE, clamp, expNeg, mul, ratio } from "./fixed.js";
import { CHANNEL_COUNT, EMOTION_COUNT, INTENSITY_BANDS, PASSION_COUNT, WORDS_PER_CORE } from "./names.js";
import { FEATURE_ABOVE, FEATURE_BELOW, TICK_MS, type Profile } from "./profile.js";
import type { Catalog } from "./catalog.js";
import type { Wheel } from "./wheel.js";

const BAND_MEDIUM = (ONE / 3) | 0;
const BAND_STRONG = ((2 * ONE) / 3) | 0;
/** "Never seen" for habituation; any age past the graph's end gives the full effect. */
const LONG_AGO = 0x7fffffff;

/** What the engine shows the rest of the firmware. Mutated in place; read it, do not keep copies. */
export interface EmotionState {
  /** Per channel, Q8.24 fraction of capacity. */
  readonly levels: Int32Array;
  /** Per emotion, Q8.24 score before the softmax. */
  readonly scores: Int32Array;
  /** Per emotion, Q8.24 probability after the softmax (sums to ONE within rounding). */
  readonly probabilities: Int32Array;
  /** Index into EMOTIONS, held by hysteresis. */
  dominant: number;
  /** Q8.24 strength of the dominant emotion, 0..ONE. */
  intensity: number;
  /** 0 mild, 1 medium, 2 strong. */
  band: number;
  /** Index into CORES of the wheel core showing. */
  core: number;
  /** Index into the wheel's words. */
  nuance: number;
  /** Engine clock in ms (int32, wraps after 24.8 days; only differences are used). */
  timeMs: number;
  /**
   * The last stimulus applied, as the robot appraised it: bit p (PASSIONS order) set when it served
   * (served) or violated (violated) passion p and the profile holds p (weight above 0). Both 0: it
   * touched no passion and landed exactly as the catalog's doses say.
   */
  served: number;
  violated: number;
}

export class EmotionEngine {
  private profileInUse: Profile;
  readonly catalog: Catalog;
  readonly wheel: Wheel;
  readonly state: EmotionState;
  private pendingMs = 0;
  private lastSwitchMs = 0;
  private readonly lastSeen: Int32Array;
  private readonly everSeen: Uint8Array;
  private readonly tagWeight: Int32Array;
  /** Scratch: the appraisal's extra dose per channel for the stimulus being applied. */
  private readonly appraisal = new Int32Array(CHANNEL_COUNT);

  constructor(profile: Profile, catalog: Catalog, wheel: Wheel) {
    this.profileInUse = profile;
    this.catalog = catalog;
    this.wheel = wheel;
    this.state = {
      levels: new Int32Array(CHANNEL_COUNT),
      scores: new Int32Array(EMOTION_COUNT),
      probabilities: new Int32Array(EMOTION_COUNT),
      dominant: 0,
      intensity: 0,
      band: 0,
      core: 0,
      nuance: 0,
      timeMs: 0,
      served: 0,
      violated: 0,
    };
    this.lastSeen = new Int32Array(catalog.names.length);
    this.everSeen = new Uint8Array(catalog.names.length);
    this.tagWeight = new Int32Array(catalog.tags.length);
    this.reset();
  }

  get profile(): Profile {
    return this.profileInUse;
  }

  /** Back to rest: every level at its resting point, no memory of stimuli. */
  reset(): void {
    const s = this.state;
    s.levels.set(this.profileInUse.rest);
    s.timeMs = 0;
    this.pendingMs = 0;
    this.everSeen.fill(0);
    this.tagWeight.fill(0);
    s.served = 0;
    s.violated = 0;
    this.readout(true);
    // Nothing has been shown yet, so the first stimulus may change the face at once.
    this.lastSwitchMs = (s.timeMs - this.profileInUse.minDwellMs) | 0;
  }

  /**
   * Restores saved levels (Q8.24 fractions of K, one per channel). Returns false, changing nothing,
   * unless every value is an integer in 0..ONE.
   */
  restore(levels: ArrayLike<number>): boolean {
    if (levels.length !== CHANNEL_COUNT) return false;
    for (let i = 0; i < CHANNEL_COUNT; i++) if (!(levels[i] >= 0 && levels[i] <= ONE && (levels[i] | 0) === levels[i])) return false;
    for (let i = 0; i < CHANNEL_COUNT; i++) this.state.levels[i] = levels[i];
    this.readout(true);
    return true;
  }

  /** Switches personality, keeping the current levels. The profile was validated by loadProfile. */
  setProfile(profile: Profile): void {
    this.profileInUse = profile;
    this.readout(true);
  }

  /** Index of a stimulus by name, or -1. */
  stimulusIndex(name: string): number {
    return this.catalog.names.indexOf(name);
  }

  /**
   * Applies stimulus `index` at Q8.24 intensity (0..ONE). Returns false, changing nothing, when the
   * index or intensity is out of range. Repeats soon after the same stimulus are weakened by the
   * catalog's habituation graph.
   */
  stimulate(index: number, intensity: number, extraTags?: Int32Array, extraCount = 0): boolean {
    const cat = this.catalog;
    if (!(index >= 0 && index < cat.names.length && (index | 0) === index)) return false;
    if (!(intensity >= 0 && intensity <= ONE && (intensity | 0) === intensity)) return false;
    // Context tags sent with the stimulus (the app's "context" chips) count like the catalog's own.
    for (let i = 0; i < extraCount; i++) {
      const t = extraTags ? extraTags[i] : -1;
      if (!(t >= 0 && t < cat.tags.length)) return false;
    }
    const s = this.state;
    const age = this.everSeen[index] ? (s.timeMs - this.lastSeen[index]) | 0 : LONG_AGO;
    const effect = mul(intensity, this.habituation(age < 0 ? LONG_AGO : age));
    const levels = s.levels;
    const base = index * CHANNEL_COUNT;
    const extra = this.appraise(index, extraTags, extraCount);
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
      // A stimulus that touches no held passion has extra[ch] = 0 and lands exactly as the catalog says.
      const dose = clamp((cat.doses[base + ch] + extra[ch]) | 0, -2 * ONE, 2 * ONE);
      levels[ch] = clamp(levels[ch] + mul(dose, effect), 0, ONE);
    }
    const tagStart = cat.stimulusTags.start;
    const tagItems = cat.stimulusTags.items;
    for (let t = tagStart[index]; t < tagStart[index + 1]; t++) {
      const tag = tagItems[t];
      this.tagWeight[tag] = clamp(this.tagWeight[tag] + effect, 0, ONE);
    }
    for (let i = 0; i < extraCount; i++) {
      const tag = extraTags![i];
      this.tagWeight[tag] = clamp(this.tagWeight[tag] + effect, 0, ONE);
    }
    this.lastSeen[index] = s.timeMs;
    this.everSeen[index] = 1;
    this.readout(false);
    return true;
  }

  /**
   * What the stimulus means to the robot (OCC appraisal against its standards and goals, docs/emotion-
   * model.md): for each passion the profile holds, the stimulus's tags and the message's extra tags
   * vote serve (+1) or violate (-1); a net serve adds the catalog's `serves` doses scaled by the
   * passion's weight, a net violation its `violates` doses. Fills state.served / state.violated and
   * returns the extra dose per channel (Q8.24), in a preallocated array.
   */
  private appraise(index: number, extraTags: Int32Array | undefined, extraCount: number): Int32Array {
    const cat = this.catalog;
    const weight = this.profileInUse.passionWeight;
    const extra = this.appraisal;
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) extra[ch] = 0;
    let served = 0;
    let violated = 0;
    for (let p = 0; p < PASSION_COUNT; p++) {
      const w = weight[p];
      if (w === 0) continue;
      let vote = cat.stimulusPassion[index * PASSION_COUNT + p];
      for (let i = 0; i < extraCount; i++) vote += cat.tagPassion[extraTags![i] * PASSION_COUNT + p];
      if (vote === 0) continue;
      const d = vote > 0 ? cat.servesDoses : cat.violatesDoses;
      if (vote > 0) served |= 1 << p;
      else violated |= 1 << p;
      for (let ch = 0; ch < CHANNEL_COUNT; ch++) if (d[ch] !== 0) extra[ch] = (extra[ch] + mul(w, d[ch])) | 0;
    }
    this.state.served = served;
    this.state.violated = violated;
    return extra;
  }

  /** Advances the clock by dtMs (whole ms): as many fixed ticks as fit, remainder carried over. */
  step(dtMs: number): void {
    if (!(dtMs > 0)) return;
    const dt = dtMs | 0;
    const s = this.state;
    s.timeMs = (s.timeMs + dt) | 0;
    this.pendingMs += dt;
    while (this.pendingMs >= TICK_MS) {
      this.pendingMs -= TICK_MS;
      this.tick();
    }
    this.readout(false);
  }

  /** One integration tick of every channel, and the decay of context tags. */
  private tick(): void {
    const p = this.profileInUse;
    const levels = this.state.levels;
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
      // r x (1 - x) - s (x - m) rearranged as x (r - s - r x) + s m: two multiplies per slope, not three.
      const r = p.rDt[ch];
      const a = p.growthMinusDecay[ch];
      const b = p.decayTimesNormal[ch];
      const x = levels[ch];
      // Heun: slope at x, Euler predictor, slope at the prediction, average of the two.
      const k1 = (mul(x, (a - mul(r, x)) | 0) + b) | 0;
      const xp = clamp((x + k1) | 0, 0, ONE);
      const k2 = (mul(xp, (a - mul(r, xp)) | 0) + b) | 0;
      levels[ch] = clamp((x + ((k1 + k2 + 1) >> 1)) | 0, 0, ONE);
    }
    const decay = this.wheel.tagDecay;
    const tw = this.tagWeight;
    for (let t = 0; t < tw.length; t++) if (tw[t] !== 0) tw[t] = mul(tw[t], decay);
  }

  /** Habituation factor (Q8.24) for a stimulus last seen `age` ms ago. */
  private habituation(age: number): number {
    const graph = this.catalog.habituation;
    const xs = graph.ms;
    const ys = graph.factor;
    const last = xs.length - 1;
    if (age >= xs[last]) return ys[last];
    let i = 0;
    while (xs[i + 1] <= age) i++;
    return (ys[i] + Math.imul(age - xs[i], graph.slope[i])) | 0;
  }

  /** Scores, softmax, dominant with hysteresis, intensity and nuance from the current levels. */
  private readout(force: boolean): void {
    const p = this.profileInUse;
    const s = this.state;
    const levels = s.levels;
    const scores = s.scores;
    const probs = s.probabilities;

    let top = -0x7fffffff;
    for (let e = 0; e < EMOTION_COUNT; e++) {
      let best = -0x7fffffff;
      for (let a = p.altStart[e]; a < p.altStart[e + 1]; a++) {
        let v = p.altBias[a];
        for (let t = p.termStart[a]; t < p.termStart[a + 1]; t++) {
          const ch = p.termChannel[t];
          const dev = (levels[ch] - p.rest[ch]) | 0;
          const above = dev > 0 ? clamp(mul(dev, p.invAbove[ch]), 0, ONE) : 0;
          const below = dev < 0 ? clamp(mul(-dev, p.invBelow[ch]), 0, ONE) : 0;
          const f = p.termFeature[t];
          const feature = f === FEATURE_ABOVE ? above : f === FEATURE_BELOW ? below : (above - below) | 0;
          v = (v + mul(p.termWeight[t], feature)) | 0;
        }
        if (v > best) best = v;
      }
      scores[e] = best;
      if (best > top) top = best;
    }

    // Softmax relative to the top score, so the largest term is exactly ONE and the sum is in
    // [ONE, EMOTION_COUNT * ONE]; one integer division gives the normaliser.
    let sum = 0;
    for (let e = 0; e < EMOTION_COUNT; e++) {
      const gap = (top - scores[e]) | 0;
      const v = gap >= p.softmaxCut ? 0 : expNeg(mul(gap, p.invTemperature));
      probs[e] = v;
      sum = (sum + v) | 0;
    }
    const norm = ratio(ONE, sum);
    let leader = 0;
    for (let e = 0; e < EMOTION_COUNT; e++) {
      probs[e] = mul(probs[e], norm);
      if (probs[e] > probs[leader]) leader = e;
    }

    // Hysteresis: a challenger must lead by a margin, and the current emotion must have been shown
    // for a minimum time, so the face does not flicker between two close emotions.
    if (force) {
      s.dominant = leader;
      this.lastSwitchMs = s.timeMs;
    } else if (leader !== s.dominant) {
      const margin = (probs[leader] - probs[s.dominant]) | 0;
      const shown = (s.timeMs - this.lastSwitchMs) | 0;
      if (margin > p.hysteresis && (shown >= p.minDwellMs || shown < 0)) {
        s.dominant = leader;
        this.lastSwitchMs = s.timeMs;
      }
    }
    const dom = s.dominant;
    s.intensity = clamp(scores[dom], 0, ONE);
    s.band = s.intensity < BAND_MEDIUM ? 0 : s.intensity < BAND_STRONG ? 1 : 2;
    this.chooseNuance(dom);
  }

  /** Core from the dominant emotion (best-supported candidate), then the word from context tags. */
  private chooseNuance(dom: number): void {
    const w = this.wheel;
    const s = this.state;
    const candStart = w.candidates.start;
    const candEmotion = w.candidates.items;
    let core = w.candidateCores[candStart[dom]];
    let support = -1;
    for (let c = candStart[dom]; c < candStart[dom + 1]; c++) {
      const pr = s.probabilities[candEmotion[c]];
      if (pr > support) {
        support = pr;
        core = w.candidateCores[c];
      }
    }
    s.core = core;
    // At full strength the core's strongest word speaks (rage, helpless, depressed...); below that the
    // recent context picks the word when its tags carry enough weight, else the band's fallback word.
    let word = w.byIntensity[core * INTENSITY_BANDS + s.band];
    if (s.band === INTENSITY_BANDS - 1) {
      s.nuance = word;
      return;
    }
    let bestWeight = w.threshold - 1;
    const first = core * WORDS_PER_CORE;
    const tagStart = w.wordTags.start;
    const tagItems = w.wordTags.items;
    for (let i = first; i < first + WORDS_PER_CORE; i++) {
      let weight = 0;
      for (let t = tagStart[i]; t < tagStart[i + 1]; t++) weight = (weight + this.tagWeight[tagItems[t]]) | 0;
      if (weight > bestWeight) {
        bestWeight = weight;
        word = i;
      }
    }
    s.nuance = word;
  }
}
