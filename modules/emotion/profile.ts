/*
 * Personality profiles: the ODE constants of every channel and the readout that turns levels into
 * emotion scores. A profile arrives as parsed JSON (docs/formats/profile.md), is checked field by field
 * and compiled once into int32 tables, so the per-tick code only indexes arrays.
 */
import { Checker, type Json, type JsonObject } from "./check.js";
import { CHANNELS, CHANNEL_COUNT, EMOTIONS, EMOTION_COUNT, PASSIONS, PASSION_COUNT } from "./names.js";
import { ONE, mul, toFixed } from "./fixed.js";

/** The engine's fixed integration tick. 50 Hz is finer than any face animation needs. */
export const TICK_MS = 20;

export const PROFILE_FORMAT = "moodface-profile";
export const PROFILE_VERSION = 1;

/** How a readout term looks at one channel (see docs/emotion-model.md). */
export const FEATURES = ["above", "below", "signed"] as const;
export const FEATURE_ABOVE = 0;
export const FEATURE_BELOW = 1;
export const FEATURE_SIGNED = 2;

/** Limits that keep every fixed-point intermediate inside int32 (see fixed.ts). */
export const LIMITS = {
  r: { min: 0, max: 1 },
  s: { min: 0, max: 1 },
  K: { min: 0, max: 10000 },
  restFraction: { min: 0.05, max: 0.95 },
  temperature: { min: 0.02, max: 10 },
  hysteresis: { min: 0, max: 0.5 },
  minDwellMs: { min: 0, max: 60000 },
  weight: { min: -4, max: 4 },
  bias: { min: -4, max: 4 },
  termsPerAlternative: 6,
  alternativesPerEmotion: 4,
} as const;

export interface ChannelConstants {
  readonly name: string;
  /** Growth rate per second. */
  readonly r: number;
  /** Capacity, in the profile's level units. */
  readonly K: number;
  /** Decay rate per second. */
  readonly s: number;
  /** Normal level, in the profile's level units. */
  readonly M: number;
  /** Where the level settles with no stimulus: the stable root of r N (1 - N/K) = s (N - M). */
  readonly rest: number;
}

export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly channels: readonly ChannelConstants[];
  // Per-channel tables in Q8.24, levels as fractions of K.
  readonly rDt: Int32Array;
  readonly sDt: Int32Array;
  readonly normal: Int32Array;
  /** (r - s) * tick and s * tick * M/K: the slope is x * (growthMinusDecay - rDt * x) + decayTimesNormal. */
  readonly growthMinusDecay: Int32Array;
  readonly decayTimesNormal: Int32Array;
  readonly rest: Int32Array;
  /** 1 / (1 - rest): scales a surplus to [0, 1]. */
  readonly invAbove: Int32Array;
  /** 1 / rest: scales a deficit to [0, 1]. */
  readonly invBelow: Int32Array;
  // Readout: emotion e has alternatives altStart[e] .. altStart[e+1]-1; alternative a has terms
  // termStart[a] .. termStart[a+1]-1. An emotion's score is the best of its alternatives.
  readonly altStart: Int32Array;
  readonly altBias: Int32Array;
  readonly termStart: Int32Array;
  readonly termChannel: Int32Array;
  readonly termFeature: Int32Array;
  readonly termWeight: Int32Array;
  readonly temperature: number;
  readonly invTemperature: number;
  /** Score gaps beyond this give exp(-gap/T) = 0, skipping a multiply that could overflow. */
  readonly softmaxCut: number;
  readonly hysteresis: number;
  readonly minDwellMs: number;
  /** How strongly the robot holds each passion (PASSIONS order), 0..1 as written. */
  readonly passions: readonly number[];
  /** The same in Q8.24, for the engine's appraisal. All zero: no event touches a passion. */
  readonly passionWeight: Int32Array;
}

/** The level where dN/dt = 0 with no stimulus, as a fraction of K (0 < r, s). */
export function restFraction(r: number, s: number, m: number): number {
  const b = r - s;
  return (b + Math.sqrt(b * b + 4 * r * s * m)) / (2 * r);
}

/**
 * Checks and compiles a parsed profile document. Throws DataError naming `source` and the field.
 * Nothing is shared with a profile already running, so a rejected document changes nothing.
 */
export function loadProfile(doc: Json, source: string): Profile {
  const c = new Checker(source);
  const o = c.header(doc, PROFILE_FORMAT, PROFILE_VERSION);
  c.keys(o, "", ["format", "version", "name", "description", "channels", "readout", "passions"]);
  const name = c.string(o.name, "name");
  const description = o.description === undefined ? "" : c.string(o.description, "description");

  const chans = c.object(o.channels, "channels");
  c.keys(chans, "channels", CHANNELS);
  const channels: ChannelConstants[] = [];
  const rDt = new Int32Array(CHANNEL_COUNT);
  const sDt = new Int32Array(CHANNEL_COUNT);
  const normal = new Int32Array(CHANNEL_COUNT);
  const growthMinusDecay = new Int32Array(CHANNEL_COUNT);
  const decayTimesNormal = new Int32Array(CHANNEL_COUNT);
  const rest = new Int32Array(CHANNEL_COUNT);
  const invAbove = new Int32Array(CHANNEL_COUNT);
  const invBelow = new Int32Array(CHANNEL_COUNT);
  for (let i = 0; i < CHANNEL_COUNT; i++) {
    const ch = CHANNELS[i];
    const f = `channels.${ch}`;
    const co = c.object(chans[ch], f);
    c.keys(co, f, ["r", "K", "s", "M"]);
    const r = c.number(co.r, `${f}.r`, LIMITS.r.min, LIMITS.r.max, true);
    const K = c.number(co.K, `${f}.K`, LIMITS.K.min, LIMITS.K.max, true);
    const s = c.number(co.s, `${f}.s`, LIMITS.s.min, LIMITS.s.max, true);
    const M = c.number(co.M, `${f}.M`, 0, K);
    const restF = restFraction(r, s, M / K);
    if (restF < LIMITS.restFraction.min || restF > LIMITS.restFraction.max) {
      c.fail(f, `the resting level r, K, s and M give is ${(restF * 100).toFixed(1)}% of K; ` +
        `allowed ${LIMITS.restFraction.min * 100}% to ${LIMITS.restFraction.max * 100}% (raise s or lower r to settle nearer M)`);
    }
    channels.push({ name: ch, r, K, s, M, rest: restF * K });
    rDt[i] = toFixed((r * TICK_MS) / 1000);
    sDt[i] = toFixed((s * TICK_MS) / 1000);
    normal[i] = toFixed(M / K);
    growthMinusDecay[i] = (rDt[i] - sDt[i]) | 0;
    decayTimesNormal[i] = mul(sDt[i], normal[i]);
    rest[i] = toFixed(restF);
    invAbove[i] = toFixed(1 / (1 - restF));
    invBelow[i] = toFixed(1 / restF);
  }

  const ro = c.object(o.readout, "readout");
  c.keys(ro, "readout", ["temperature", "hysteresis", "minDwellMs", "emotions"]);
  const temperature = c.number(ro.temperature, "readout.temperature", LIMITS.temperature.min, LIMITS.temperature.max);
  const hysteresis = c.number(ro.hysteresis, "readout.hysteresis", LIMITS.hysteresis.min, LIMITS.hysteresis.max);
  const minDwellMs = c.integer(ro.minDwellMs, "readout.minDwellMs", LIMITS.minDwellMs.min, LIMITS.minDwellMs.max);
  const emo = c.object(ro.emotions, "readout.emotions");
  c.keys(emo, "readout.emotions", EMOTIONS);

  const altStart = new Int32Array(EMOTION_COUNT + 1);
  const altBias: number[] = [];
  const termStart: number[] = [0];
  const termChannel: number[] = [];
  const termFeature: number[] = [];
  const termWeight: number[] = [];
  for (let e = 0; e < EMOTION_COUNT; e++) {
    const f = `readout.emotions.${EMOTIONS[e]}`;
    const alts = c.array(emo[EMOTIONS[e]], f);
    if (alts.length < 1 || alts.length > LIMITS.alternativesPerEmotion) {
      c.fail(f, `expected 1 to ${LIMITS.alternativesPerEmotion} alternatives, got ${alts.length}`);
    }
    altStart[e] = altBias.length;
    for (let a = 0; a < alts.length; a++) {
      const af = `${f}[${a}]`;
      const alt = c.object(alts[a], af);
      c.keys(alt, af, ["bias", "terms", "note"]);
      altBias.push(toFixed(alt.bias === undefined ? 0 : c.number(alt.bias, `${af}.bias`, LIMITS.bias.min, LIMITS.bias.max)));
      const terms = c.array(alt.terms, `${af}.terms`);
      if (terms.length > LIMITS.termsPerAlternative) {
        c.fail(`${af}.terms`, `at most ${LIMITS.termsPerAlternative} terms, got ${terms.length}`);
      }
      for (let t = 0; t < terms.length; t++) {
        const tf = `${af}.terms[${t}]`;
        const term = c.object(terms[t], tf);
        c.keys(term, tf, ["channel", "feature", "weight"]);
        termChannel.push(c.oneOf(term.channel, `${tf}.channel`, CHANNELS));
        termFeature.push(c.oneOf(term.feature, `${tf}.feature`, FEATURES));
        termWeight.push(toFixed(c.number(term.weight, `${tf}.weight`, LIMITS.weight.min, LIMITS.weight.max)));
      }
      termStart.push(termChannel.length);
    }
  }
  altStart[EMOTION_COUNT] = altBias.length;

  // Passions: {"default": w, "<passion>": w, ...}; a passion not named takes the default; no
  // "passions" at all holds none (weight 0), so the profile appraises nothing and lands as before.
  const passions: number[] = [];
  const passionWeight = new Int32Array(PASSION_COUNT);
  let fallback = 0;
  let given: JsonObject | undefined;
  if (o.passions !== undefined) {
    given = c.object(o.passions, "passions");
    c.keys(given, "passions", ["default", ...PASSIONS]);
    if (given.default !== undefined) fallback = c.number(given.default, "passions.default", 0, 1);
  }
  for (let i = 0; i < PASSION_COUNT; i++) {
    const v = given && given[PASSIONS[i]] !== undefined ? c.number(given[PASSIONS[i]], `passions.${PASSIONS[i]}`, 0, 1) : fallback;
    passions.push(v);
    passionWeight[i] = toFixed(v);
  }

  return {
    name,
    description,
    channels,
    rDt,
    sDt,
    normal,
    growthMinusDecay,
    decayTimesNormal,
    rest,
    invAbove,
    invBelow,
    altStart,
    altBias: Int32Array.from(altBias),
    termStart: Int32Array.from(termStart),
    termChannel: Int32Array.from(termChannel),
    termFeature: Int32Array.from(termFeature),
    termWeight: Int32Array.from(termWeight),
    temperature,
    invTemperature: toFixed(1 / temperature),
    // exp(-17) < 2^-24; capped at 120 so the cut itself fits in Q8.24 for large temperatures.
    softmaxCut: toFixed(Math.min(17 * temperature, 120)),
    hysteresis: toFixed(hysteresis),
    minDwellMs,
    passions,
    passionWeight,
  };
}

/** Fraction of capacity (Q8.24) to level units, for reports. */
export function levelOf(profile: Profile, channel: number, fraction: number): number {
  return (fraction / ONE) * profile.channels[channel].K;
}

