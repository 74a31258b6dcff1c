/*
 * Passion scenarios for tests/emotion/passions.test.ts: for each passion, a minute of events that
 * touch it, run on the default profile with only that passion held (weight 0 or 1), and the figures
 * the test names carry: each emotion's time share as the dominant one.
 */
import { readJson, PROFILES_DIR } from "../../tools/lib/data.js";
import { loadProfile, type Profile } from "../../modules/emotion/profile.js";
import { EMOTIONS, PASSIONS, type PassionName } from "../../modules/emotion/names.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { join } from "node:path";
import { engineFor } from "./engine.js";

/** [t ms, stimulus, intensity] */
export type Scenario = readonly (readonly [number, string, number])[];

export const SCENARIOS: Record<PassionName, Scenario> = {
  learning: [[1000, "puzzle", 0.8], [15000, "new_idea", 0.8], [30000, "feedback", 0.8]],
  empathy: [[1000, "someone_sad", 0.8], [15000, "care", 0.8], [30000, "thanks", 0.6]],
  efficiency: [[1000, "shortcut", 0.8], [15000, "busywork", 0.8], [30000, "obstacle", 0.6]],
  integrity: [[1000, "lie", 0.8], [15000, "broken_promise", 0.8], [30000, "lie", 0.6]],
  collaboration: [[1000, "shared_task", 0.8], [15000, "ignore", 0.8], [30000, "shared_task", 0.6]],
  innovation: [[1000, "new_idea", 0.8], [15000, "build", 0.8], [30000, "new_idea", 0.6]],
  reliability: [[1000, "promise_kept", 0.8], [15000, "rescue", 0.8], [30000, "broken_promise", 0.8]],
  respect: [[1000, "command", 0.5], [15000, "unfair", 0.3], [30000, "praise", 0.5]],
  adaptability: [[1000, "change_of_plan", 0.8], [15000, "surprise", 0.6], [30000, "change_of_plan", 0.8]],
  personal_growth: [[1000, "feedback", 0.8], [15000, "blame", 0.6], [30000, "feedback", 0.8]],
  autonomy: [[1000, "own_choice", 0.8], [15000, "command", 0.8], [30000, "restrain", 0.6]],
  privacy: [[1000, "data_request", 0.8], [15000, "embarrass", 0.6], [30000, "data_request", 0.8]],
};

/** Events that touch no passion at all (checked by the test against the catalog). */
export const UNTOUCHED: Scenario = [[1000, "hug", 0.8], [9000, "loud_noise", 0.9], [20000, "music", 1], [31000, "loss", 0.7], [45000, "touch", 0.5]];

export const DURATION_MS = 60000;
export const SAMPLE_MS = 100;

const base = readJson(join(PROFILES_DIR, "default.json")) as Record<string, unknown>;

/** The default profile holding only `passion`, at `weight` (all others 0). */
export function holding(passion: string | undefined, weight: number): Profile {
  const doc = { ...base, name: "test", passions: passion ? { default: 0, [passion]: weight } : { default: 0 } };
  return loadProfile(doc, "test.json");
}

export interface Day {
  /** Per emotion, the fraction of samples it was dominant. */
  share: number[];
  /** Every sample's levels, probabilities and dominant, for exact comparison. */
  trace: number[];
  served: number;
  violated: number;
}

export function run(profile: Profile, scenario: Scenario): Day {
  const e = engineFor(profile);
  const counts = new Array<number>(EMOTIONS.length).fill(0);
  const trace: number[] = [];
  let served = 0;
  let violated = 0;
  let t = 0;
  let k = 0;
  let samples = 0;
  for (let next = 0; next <= DURATION_MS; next += SAMPLE_MS) {
    while (k < scenario.length && scenario[k][0] <= next) {
      const [at, name, intensity] = scenario[k++];
      e.step(at - t);
      t = at;
      const i = e.stimulusIndex(name);
      if (i < 0) throw new Error(`no stimulus ${name}`);
      e.stimulate(i, Math.round(intensity * ONE));
      served |= e.state.served;
      violated |= e.state.violated;
    }
    e.step(next - t);
    t = next;
    counts[e.state.dominant]++;
    samples++;
    trace.push(...e.state.levels, ...e.state.probabilities, e.state.dominant, e.state.nuance);
  }
  return { share: counts.map((c) => c / samples), trace, served, violated };
}

/** The emotion whose time share moved most between two days, and by how much (fractions). */
export function biggestShift(a: Day, b: Day): { emotion: string; from: number; to: number } {
  let best = 0;
  for (let i = 1; i < EMOTIONS.length; i++) if (Math.abs(b.share[i] - a.share[i]) > Math.abs(b.share[best] - a.share[best])) best = i;
  return { emotion: EMOTIONS[best], from: a.share[best], to: b.share[best] };
}

export { PASSIONS };
