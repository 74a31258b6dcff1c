/*
 * The stimulus catalog: what each stimulus does to each channel, which context tags it carries, and
 * how repetition wears it down (habituation). Data, not code: modules/emotion/data/stimuli.json,
 * specified in docs/formats/stimuli.md.
 */
import { Checker, type Json } from "./check.js";
import { CHANNELS, CHANNEL_COUNT, PASSIONS, PASSION_COUNT } from "./names.js";
import { toFixed } from "./fixed.js";
import { RaggedBuilder, raggedRow, type Ragged } from "./ragged.js";

export const STIMULI_FORMAT = "moodface-stimuli";
export const STIMULI_VERSION = 1;

export const CATALOG_LIMITS = {
  stimuli: 64,
  tags: 64,
  tagsPerStimulus: 4,
  graphPoints: 8,
  graphSpanMs: 600000,
} as const;

const NAME_PATTERN = /^[a-z][a-z0-9_]{0,23}$/;

/** How repetition wears a stimulus down: factor (Q8.24) against ms since the same stimulus, linear between points. */
export interface HabituationGraph {
  readonly ms: Int32Array;
  readonly factor: Int32Array;
  /** Q8.24 per ms for each segment, so lookups need no division. */
  readonly slope: Int32Array;
}

export interface Catalog {
  readonly description: string;
  readonly names: readonly string[];
  readonly descriptions: readonly string[];
  readonly tags: readonly string[];
  /** Q8.24 dose per stimulus and channel (fraction of capacity), index stimulus * CHANNEL_COUNT + channel. */
  readonly doses: Int32Array;
  /** Row i: the tag indices of stimulus i. */
  readonly stimulusTags: Ragged;
  readonly habituation: HabituationGraph;
  /**
   * Appraisal (docs/emotion-model.md, "Passions"): what a fully held passion adds, per channel (Q8.24
   * fraction of K at intensity 1), when an event serves it and when it violates it.
   */
  readonly servesDoses: Int32Array;
  readonly violatesDoses: Int32Array;
  /** Per tag and passion (tag * PASSION_COUNT + passion): +1 the tag serves it, -1 violates it, 0 neither. */
  readonly tagPassion: Int8Array;
  /** Per stimulus and passion: the sum of its own tags' signs, clamped to -1..1. */
  readonly stimulusPassion: Int8Array;
  /** The appraisal section as written (tag names per passion), for documents and docs. */
  readonly passionTags: readonly { readonly serves: readonly string[]; readonly violates: readonly string[] }[];
  readonly appraisalNote: string;
}

export function loadCatalog(doc: Json, source: string): Catalog {
  const c = new Checker(source);
  const o = c.header(doc, STIMULI_FORMAT, STIMULI_VERSION);
  c.keys(o, "", ["format", "version", "description", "habituation", "tags", "stimuli", "appraisal"]);

  const tagList = c.array(o.tags, "tags");
  if (tagList.length > CATALOG_LIMITS.tags) c.fail("tags", `at most ${CATALOG_LIMITS.tags} tags, got ${tagList.length}`);
  const tags: string[] = [];
  for (let i = 0; i < tagList.length; i++) {
    const t = c.string(tagList[i], `tags[${i}]`);
    if (!NAME_PATTERN.test(t)) c.fail(`tags[${i}]`, `"${t}" must be lower-case letters, digits and _ (at most 24)`);
    if (tags.indexOf(t) >= 0) c.fail(`tags[${i}]`, `"${t}" is listed twice`);
    tags.push(t);
  }

  const h = c.object(o.habituation, "habituation");
  c.keys(h, "habituation", ["graph", "note"]);
  const graph = c.array(h.graph, "habituation.graph");
  if (graph.length < 2 || graph.length > CATALOG_LIMITS.graphPoints) {
    c.fail("habituation.graph", `expected 2 to ${CATALOG_LIMITS.graphPoints} points [ms, factor], got ${graph.length}`);
  }
  const habitMs = new Int32Array(graph.length);
  const habitFactor = new Int32Array(graph.length);
  const habitSlope = new Int32Array(graph.length);
  for (let i = 0; i < graph.length; i++) {
    const f = `habituation.graph[${i}]`;
    const p = c.array(graph[i], f);
    if (p.length !== 2) c.fail(f, `expected a point [ms, factor], got ${p.length} values`);
    const ms = c.integer(p[0], `${f}[0]`, 0, CATALOG_LIMITS.graphSpanMs);
    if (i === 0 && ms !== 0) c.fail(`${f}[0]`, "the first point must be at 0 ms");
    if (i > 0 && ms <= habitMs[i - 1]) c.fail(`${f}[0]`, `${ms} ms must be later than the point before (${habitMs[i - 1]} ms)`);
    habitMs[i] = ms;
    habitFactor[i] = toFixed(c.number(p[1], `${f}[1]`, 0, 1));
  }
  for (let i = 0; i + 1 < graph.length; i++) {
    habitSlope[i] = Math.round((habitFactor[i + 1] - habitFactor[i]) / (habitMs[i + 1] - habitMs[i]));
  }

  const st = c.object(o.stimuli, "stimuli");
  const names = Object.keys(st);
  if (names.length === 0 || names.length > CATALOG_LIMITS.stimuli) {
    c.fail("stimuli", `expected 1 to ${CATALOG_LIMITS.stimuli} stimuli, got ${names.length}`);
  }
  const doses = new Int32Array(names.length * CHANNEL_COUNT);
  const tagRows = new RaggedBuilder(names.length);
  const descriptions: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    const f = `stimuli.${n}`;
    if (!NAME_PATTERN.test(n)) c.fail(f, "a stimulus name must be lower-case letters, digits and _ (at most 24)");
    const so = c.object(st[n], f);
    c.keys(so, f, ["doses", "tags", "description"]);
    descriptions.push(so.description === undefined ? "" : c.string(so.description, `${f}.description`));
    const d = c.object(so.doses, `${f}.doses`);
    c.keys(d, `${f}.doses`, CHANNELS);
    let any = false;
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
      const v = d[CHANNELS[ch]];
      if (v === undefined) continue;
      const q = toFixed(c.number(v, `${f}.doses.${CHANNELS[ch]}`, -1, 1));
      doses[i * CHANNEL_COUNT + ch] = q;
      if (q !== 0) any = true;
    }
    if (!any) c.fail(`${f}.doses`, "a stimulus must change at least one channel");
    tagRows.row();
    const tl = c.array(so.tags, `${f}.tags`);
    if (tl.length > CATALOG_LIMITS.tagsPerStimulus) c.fail(`${f}.tags`, `at most ${CATALOG_LIMITS.tagsPerStimulus} tags, got ${tl.length}`);
    for (let t = 0; t < tl.length; t++) tagRows.push(c.oneOf(tl[t], `${f}.tags[${t}]`, tags));
  }
  const stimulusTags = tagRows.finish();

  // Appraisal: optional; without it no event touches a passion and every stimulus lands as written.
  const servesDoses = new Int32Array(CHANNEL_COUNT);
  const violatesDoses = new Int32Array(CHANNEL_COUNT);
  const tagPassion = new Int8Array(tags.length * PASSION_COUNT);
  const stimulusPassion = new Int8Array(names.length * PASSION_COUNT);
  const passionTags: { serves: string[]; violates: string[] }[] = [];
  for (let p = 0; p < PASSION_COUNT; p++) passionTags.push({ serves: [], violates: [] });
  let appraisalNote = "";
  if (o.appraisal !== undefined) {
    const a = c.object(o.appraisal, "appraisal");
    c.keys(a, "appraisal", ["serves", "violates", "passions", "note"]);
    if (a.note !== undefined) appraisalNote = c.string(a.note, "appraisal.note");
    for (const [key, out] of [["serves", servesDoses], ["violates", violatesDoses]] as const) {
      const d = c.object(a[key], `appraisal.${key}`);
      c.keys(d, `appraisal.${key}`, CHANNELS);
      for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
        const v = d[CHANNELS[ch]];
        if (v !== undefined) out[ch] = toFixed(c.number(v, `appraisal.${key}.${CHANNELS[ch]}`, -1, 1));
      }
    }
    const ps = c.object(a.passions, "appraisal.passions");
    c.keys(ps, "appraisal.passions", PASSIONS);
    for (let p = 0; p < PASSION_COUNT; p++) {
      const f = `appraisal.passions.${PASSIONS[p]}`;
      if (ps[PASSIONS[p]] === undefined) continue;
      const po = c.object(ps[PASSIONS[p]], f);
      c.keys(po, f, ["serves", "violates", "note"]);
      for (const [key, sign] of [["serves", 1], ["violates", -1]] as const) {
        if (po[key] === undefined) continue;
        const list = c.array(po[key], `${f}.${key}`);
        for (let i = 0; i < list.length; i++) {
          const t = c.oneOf(list[i], `${f}.${key}[${i}]`, tags);
          if (tagPassion[t * PASSION_COUNT + p] !== 0) c.fail(`${f}.${key}[${i}]`, `tag "${tags[t]}" is listed twice for ${PASSIONS[p]}`);
          tagPassion[t * PASSION_COUNT + p] = sign;
          passionTags[p][key].push(tags[t]);
        }
      }
    }
    for (let i = 0; i < names.length; i++) {
      for (let p = 0; p < PASSION_COUNT; p++) {
        let sum = 0;
        const own = raggedRow(stimulusTags, i);
        for (let t = 0; t < own.length; t++) sum += tagPassion[own[t] * PASSION_COUNT + p];
        stimulusPassion[i * PASSION_COUNT + p] = sum > 0 ? 1 : sum < 0 ? -1 : 0;
      }
    }
  }

  return {
    description: o.description === undefined ? "" : c.string(o.description, "description"),
    names,
    descriptions,
    tags,
    doses,
    stimulusTags,
    habituation: { ms: habitMs, factor: habitFactor, slope: habitSlope },
    servesDoses,
    violatesDoses,
    tagPassion,
    stimulusPassion,
    passionTags,
    appraisalNote,
  };
}
