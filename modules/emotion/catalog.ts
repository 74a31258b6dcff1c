/*
 * The stimulus catalog: what each stimulus does to each channel, which context tags it carries, and
 * how repetition wears it down (habituation). Data, not code: modules/emotion/data/stimuli.json,
 * specified in docs/formats/stimuli.md.
 */
import { Checker, type Json } from "./check.js";
import { CHANNELS, CHANNEL_COUNT } from "./names.js";
import { toFixed } from "./fixed.js";

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

export interface Catalog {
  readonly description: string;
  readonly names: readonly string[];
  readonly descriptions: readonly string[];
  readonly tags: readonly string[];
  /** Q8.24 dose per stimulus and channel (fraction of capacity), index stimulus * CHANNEL_COUNT + channel. */
  readonly doses: Int32Array;
  /** Tags of stimulus i are tagIndex[tagStart[i] .. tagStart[i+1]-1]. */
  readonly tagStart: Int32Array;
  readonly tagIndex: Int32Array;
  /** Habituation graph: factor (Q8.24) against ms since the same stimulus, linear between points. */
  readonly habitMs: Int32Array;
  readonly habitFactor: Int32Array;
  /** Q8.24 per ms for each segment, so lookups need no division. */
  readonly habitSlope: Int32Array;
}

export function loadCatalog(doc: Json, source: string): Catalog {
  const c = new Checker(source);
  const o = c.header(doc, STIMULI_FORMAT, STIMULI_VERSION);
  c.keys(o, "", ["format", "version", "description", "habituation", "tags", "stimuli"]);

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
  const tagStart = new Int32Array(names.length + 1);
  const tagIndex: number[] = [];
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
    tagStart[i] = tagIndex.length;
    const tl = c.array(so.tags, `${f}.tags`);
    if (tl.length > CATALOG_LIMITS.tagsPerStimulus) c.fail(`${f}.tags`, `at most ${CATALOG_LIMITS.tagsPerStimulus} tags, got ${tl.length}`);
    for (let t = 0; t < tl.length; t++) tagIndex.push(c.oneOf(tl[t], `${f}.tags[${t}]`, tags));
  }
  tagStart[names.length] = tagIndex.length;

  return {
    description: o.description === undefined ? "" : c.string(o.description, "description"),
    names,
    descriptions,
    tags,
    doses,
    tagStart,
    tagIndex: Int32Array.from(tagIndex),
    habitMs,
    habitFactor,
    habitSlope,
  };
}
