/*
 * Gloria Willcox's Feeling Wheel as data (modules/emotion/data/wheel.json, docs/formats/wheel.md):
 * six cores with six middle words each, the context tags that call up each word, the fallback word
 * per intensity band, and which core each primary emotion belongs to.
 */
import { Checker, type Json } from "./check.js";
import { CORES, CORE_COUNT, EMOTIONS, EMOTION_COUNT, INTENSITY_BANDS, WORDS_PER_CORE } from "./names.js";
import { expNeg, toFixed } from "./fixed.js";
import { TICK_MS } from "./profile.js";
import { RaggedBuilder, raggedRow, type Ragged } from "./ragged.js";

export const WHEEL_FORMAT = "moodface-wheel";
export const WHEEL_VERSION = 1;

export interface Wheel {
  readonly source: string;
  /** The context tags (the catalog's), and how their weights fade and count. */
  readonly tags: readonly string[];
  readonly tagHalfLifeMs: number;
  /** Per-tick decay of context tag weights (Q8.24). */
  readonly tagDecay: number;
  /** A word needs this much tag weight (Q8.24) to beat the intensity fallback. */
  readonly threshold: number;
  /** Middle words, core-major: word w belongs to core floor(w / WORDS_PER_CORE). */
  readonly words: readonly string[];
  /** Row w: the tags (indices into `tags`) that call up word w. */
  readonly wordTags: Ragged;
  /** Fallback word per core and intensity band, index core * INTENSITY_BANDS + band. */
  readonly byIntensity: Int32Array;
  /** Row e: the emotions whose probability decides emotion e's core (so surprise can lean joyful or
   *  scared); candidateCores[j] is the core that candidates.items[j] stands for. */
  readonly candidates: Ragged;
  readonly candidateCores: Int32Array;
}

export function loadWheel(doc: Json, source: string, tags: readonly string[]): Wheel {
  const c = new Checker(source);
  const o = c.header(doc, WHEEL_FORMAT, WHEEL_VERSION);
  c.keys(o, "", ["format", "version", "source", "tagHalfLifeMs", "threshold", "cores", "emotions"]);
  const src = c.string(o.source, "source");
  const halfLife = c.integer(o.tagHalfLifeMs, "tagHalfLifeMs", 1000, 600000);
  const threshold = c.number(o.threshold, "threshold", 0.01, 1);

  const cores = c.object(o.cores, "cores");
  c.keys(cores, "cores", CORES);
  const words: string[] = [];
  const tagRows = new RaggedBuilder(CORE_COUNT * WORDS_PER_CORE);
  const byIntensity = new Int32Array(CORE_COUNT * INTENSITY_BANDS);
  for (let k = 0; k < CORE_COUNT; k++) {
    const f = `cores.${CORES[k]}`;
    const co = c.object(cores[CORES[k]], f);
    c.keys(co, f, ["words", "byIntensity"]);
    const wo = c.object(co.words, `${f}.words`);
    const ws = Object.keys(wo);
    if (ws.length !== WORDS_PER_CORE) c.fail(`${f}.words`, `expected ${WORDS_PER_CORE} words, got ${ws.length}`);
    const first = words.length;
    for (let i = 0; i < ws.length; i++) {
      const wf = `${f}.words.${ws[i]}`;
      if (words.indexOf(ws[i]) >= 0) c.fail(wf, "this word is already used by another core");
      tagRows.row();
      words.push(ws[i]);
      const tl = c.array(wo[ws[i]], wf);
      for (let t = 0; t < tl.length; t++) tagRows.push(c.oneOf(tl[t], `${wf}[${t}]`, tags));
    }
    const bi = c.array(co.byIntensity, `${f}.byIntensity`);
    if (bi.length !== INTENSITY_BANDS) c.fail(`${f}.byIntensity`, `expected ${INTENSITY_BANDS} words (mild, medium, strong), got ${bi.length}`);
    for (let b = 0; b < INTENSITY_BANDS; b++) {
      byIntensity[k * INTENSITY_BANDS + b] = first + c.oneOf(bi[b], `${f}.byIntensity[${b}]`, ws);
    }
  }
  const wordTags = tagRows.finish();
  for (let w = 0; w < words.length; w++) {
    if (raggedRow(wordTags, w).length > 0) continue;
    const k = (w / WORDS_PER_CORE) | 0;
    let fallback = false;
    for (let b = 0; b < INTENSITY_BANDS; b++) if (byIntensity[k * INTENSITY_BANDS + b] === w) fallback = true;
    if (!fallback) c.fail(`cores.${CORES[k]}.words.${words[w]}`, "this word has no tags and is no intensity fallback, so it can never be chosen");
  }

  const em = c.object(o.emotions, "emotions");
  c.keys(em, "emotions", EMOTIONS);
  const candidateRows = new RaggedBuilder(EMOTION_COUNT);
  const candidateCores: number[] = [];
  for (let e = 0; e < EMOTION_COUNT; e++) {
    const f = `emotions.${EMOTIONS[e]}`;
    const v = em[EMOTIONS[e]];
    candidateRows.row();
    if (typeof v === "string") {
      candidateRows.push(e);
      candidateCores.push(c.oneOf(v, f, CORES));
    } else {
      const m = c.object(v, f);
      const keys = Object.keys(m);
      if (keys.length < 1) c.fail(f, "expected a core name or an object {emotion: core, ...}");
      for (let i = 0; i < keys.length; i++) {
        candidateRows.push(c.oneOf(keys[i], `${f}.${keys[i]}`, EMOTIONS));
        candidateCores.push(c.oneOf(m[keys[i]], `${f}.${keys[i]}`, CORES));
      }
    }
  }

  return {
    source: src,
    tagHalfLifeMs: halfLife,
    tags,
    words,
    wordTags,
    byIntensity,
    candidates: candidateRows.finish(),
    candidateCores: Int32Array.from(candidateCores),
    // 2^(-tick/halfLife) through the engine's own integer exp: Math.pow may differ by an ulp between
    // engines, which would break bit-exact parity.
    tagDecay: expNeg(toFixed((TICK_MS / halfLife) * Math.LN2)),
    threshold: toFixed(threshold),
  };
}
