/*
 * The inverse of the loaders: compiled profiles, catalogs and wheels back to their JSON documents.
 * Used by round-trip tests (load(document(load(x))) equals load(x)) and by tools that edit data.
 */
import { CHANNELS, CHANNEL_COUNT, CORES, EMOTIONS, INTENSITY_BANDS, PASSIONS, WORDS_PER_CORE } from "../../modules/emotion/names.js";
import { FEATURES, PROFILE_FORMAT, PROFILE_VERSION, type Profile } from "../../modules/emotion/profile.js";
import { STIMULI_FORMAT, STIMULI_VERSION, type Catalog } from "../../modules/emotion/catalog.js";
import { WHEEL_FORMAT, WHEEL_VERSION, type Wheel } from "../../modules/emotion/wheel.js";
import { ONE } from "../../modules/emotion/fixed.js";
import type { Json } from "../../modules/emotion/check.js";
import { raggedRow } from "../../modules/emotion/ragged.js";

const real = (q: number) => q / ONE;

export function profileDocument(p: Profile): Json {
  const channels: Record<string, Json> = {};
  for (const c of p.channels) channels[c.name] = { r: c.r, K: c.K, s: c.s, M: c.M };
  const emotions: Record<string, Json> = {};
  EMOTIONS.forEach((e, i) => {
    const alts: Json[] = [];
    for (let a = p.altStart[i]; a < p.altStart[i + 1]; a++) {
      const terms: Json[] = [];
      for (let t = p.termStart[a]; t < p.termStart[a + 1]; t++) {
        terms.push({ channel: CHANNELS[p.termChannel[t]], feature: FEATURES[p.termFeature[t]], weight: real(p.termWeight[t]) });
      }
      alts.push({ bias: real(p.altBias[a]), terms });
    }
    emotions[e] = alts;
  });
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    name: p.name,
    description: p.description || undefined,
    channels,
    readout: { temperature: p.temperature, hysteresis: real(p.hysteresis), minDwellMs: p.minDwellMs, emotions },
    passions: Object.fromEntries(PASSIONS.map((n, i) => [n, p.passions[i]])),
  } as Json;
}

export function catalogDocument(c: Catalog): Json {
  const stimuli: Record<string, Json> = {};
  c.names.forEach((n, i) => {
    const doses: Record<string, Json> = {};
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
      const q = c.doses[i * CHANNEL_COUNT + ch];
      if (q !== 0) doses[CHANNELS[ch]] = real(q);
    }
    const tags = Array.from(raggedRow(c.stimulusTags, i), (t) => c.tags[t]);
    stimuli[n] = { description: c.descriptions[i] || undefined, doses, tags } as Json;
  });
  return {
    format: STIMULI_FORMAT,
    version: STIMULI_VERSION,
    description: c.description || undefined,
    habituation: { graph: Array.from(c.habituation.ms, (ms, i) => [ms, real(c.habituation.factor[i])]) },
    tags: [...c.tags],
    stimuli,
    appraisal: {
      note: c.appraisalNote || undefined,
      serves: channelDoses(c.servesDoses),
      violates: channelDoses(c.violatesDoses),
      passions: Object.fromEntries(PASSIONS.map((n, i) => [n, { serves: [...c.passionTags[i].serves], violates: [...c.passionTags[i].violates] }])),
    },
  } as Json;
}

function channelDoses(q: Int32Array): Json {
  const out: Record<string, Json> = {};
  for (let ch = 0; ch < CHANNEL_COUNT; ch++) if (q[ch] !== 0) out[CHANNELS[ch]] = real(q[ch]);
  return out;
}

export function wheelDocument(w: Wheel): Json {
  const cores: Record<string, Json> = {};
  CORES.forEach((core, k) => {
    const words: Record<string, Json> = {};
    for (let i = k * WORDS_PER_CORE; i < (k + 1) * WORDS_PER_CORE; i++) {
      words[w.words[i]] = Array.from(raggedRow(w.wordTags, i), (t) => w.tags[t]);
    }
    const byIntensity = Array.from({ length: INTENSITY_BANDS }, (_, b) => w.words[w.byIntensity[k * INTENSITY_BANDS + b]]);
    cores[core] = { words, byIntensity };
  });
  const emotions: Record<string, Json> = {};
  EMOTIONS.forEach((e, i) => {
    const first = w.candidates.start[i];
    const row = raggedRow(w.candidates, i);
    if (row.length === 1 && row[0] === i) emotions[e] = CORES[w.candidateCores[first]];
    else {
      const m: Record<string, Json> = {};
      for (let j = 0; j < row.length; j++) m[EMOTIONS[row[j]]] = CORES[w.candidateCores[first + j]];
      emotions[e] = m;
    }
  });
  return {
    format: WHEEL_FORMAT,
    version: WHEEL_VERSION,
    source: w.source,
    tagHalfLifeMs: w.tagHalfLifeMs,
    threshold: real(w.threshold),
    cores,
    emotions,
  };
}
