/*
 * Runs the emotion engine over a timeline of stimulus events and yields JSON Lines records: the
 * profile first, then a sample every dt ms (docs/formats/trajectory.md). Pure: the CLI decides where
 * the lines go.
 */
import { EmotionEngine } from "../../modules/emotion/engine.js";
import { CHANNELS, CORES, EMOTIONS, PASSIONS } from "../../modules/emotion/names.js";
import { describeAppraisal } from "../../modules/emotion/describe.js";
import { ONE } from "../../modules/emotion/fixed.js";
import { TICK_MS } from "../../modules/emotion/profile.js";
import type { StimulusEvent } from "./events.js";
import { ReferenceModel } from "./reference.js";

export interface SimulateOptions {
  durationMs: number;
  dtMs: number;
  /** Add the float64 reference levels to every sample. */
  reference?: boolean;
  /** Where the profile came from, for the header line. */
  profileSource?: string;
}

export type TrajectoryRecord = Record<string, unknown>;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function profileRecord(engine: EmotionEngine, source?: string): TrajectoryRecord {
  const p = engine.profile;
  return {
    type: "profile",
    name: p.name,
    source,
    tickMs: TICK_MS,
    units: "levels in the same units as K; probabilities and intensity 0..1; t in ms",
    channels: p.channels.map((c) => ({ name: c.name, r: c.r, K: c.K, s: c.s, M: c.M, rest: round6(c.rest) })),
    emotions: [...EMOTIONS],
    temperature: p.temperature,
    passions: Object.fromEntries(PASSIONS.map((n, i) => [n, p.passions[i]])),
  };
}

export function sampleRecord(engine: EmotionEngine, t: number, ref?: ReferenceModel): TrajectoryRecord {
  const s = engine.state;
  const p = engine.profile;
  const levels: Record<string, number> = {};
  const probabilities: Record<string, number> = {};
  CHANNELS.forEach((c, i) => (levels[c] = round6((s.levels[i] / ONE) * p.channels[i].K)));
  EMOTIONS.forEach((e, i) => (probabilities[e] = round6(s.probabilities[i] / ONE)));
  const rec: TrajectoryRecord = {
    type: "sample",
    t,
    levels,
    probabilities,
    dominant: EMOTIONS[s.dominant],
    intensity: round6(s.intensity / ONE),
    core: CORES[s.core],
    nuance: engine.wheel.words[s.nuance],
  };
  if (ref) {
    const r: Record<string, number> = {};
    CHANNELS.forEach((c, i) => (r[c] = round6(ref.levels[i] * p.channels[i].K)));
    rec.reference = r;
  }
  return rec;
}

/** Runs the engine over events (any iterable in time order, read lazily) and yields the records. */
export function* simulate(engine: EmotionEngine, events: Iterable<StimulusEvent>, o: SimulateOptions): Generator<TrajectoryRecord> {
  const ref = o.reference ? new ReferenceModel(engine.profile, engine.catalog) : undefined;
  yield profileRecord(engine, o.profileSource);
  const it = events[Symbol.iterator]();
  let pending: StimulusEvent | undefined = it.next().value ?? undefined;
  const advance = () => {
    const r = it.next();
    pending = r.done ? undefined : r.value;
  };
  let t = 0;
  let nextSample = 0;
  try {
    while (t <= o.durationMs) {
      const nextEvent = pending ? pending.t : Infinity;
      const next = Math.min(nextSample, nextEvent);
      if (next > o.durationMs) break;
      engine.step(next - t);
      t = next;
      // Events at a sample's time land before the sample, so the sample shows their effect.
      while (pending && pending.t === t) {
        const ev: StimulusEvent = pending;
        advance();
        const index = engine.stimulusIndex(ev.stimulus);
        engine.stimulate(index, Math.round(ev.intensity * ONE));
        ref?.stimulate(index, ev.intensity, t);
        const st = engine.state;
        const rec: TrajectoryRecord = { type: "stimulus", t, stimulus: ev.stimulus, intensity: ev.intensity };
        // The robot's appraisal (docs/emotion-model.md, Passions): which held passions it served or violated.
        if (st.served | st.violated) {
          rec.served = PASSIONS.filter((_, p) => st.served & (1 << p));
          rec.violated = PASSIONS.filter((_, p) => st.violated & (1 << p));
          rec.why = describeAppraisal(ev.stimulus, st.served, st.violated, PASSIONS);
        }
        yield rec;
      }
      if (t === nextSample) {
        ref?.advanceTo(t);
        yield sampleRecord(engine, t, ref);
        nextSample += o.dtMs;
      }
    }
  } finally {
    it.return?.();
  }
}
