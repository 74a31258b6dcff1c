/*
 * The event log's one source: the robot itself. Each stimulus it applied (link, button, sensors)
 * is remembered with the emotions just before it and what the face did; EVENT_SETTLE_MS later the
 * runtime sends the EVENT message (modules/link/codec.ts) with the emotion that moved most, who led
 * before and after, and the reaction. Every client (the simulator's page, the app over BLE or
 * WebSocket, tests) turns those facts into the same sentence with eventSentence(): nothing is
 * predicted on the client. The tracker is allocation-free (a ring of typed arrays).
 */
import { EMOTION_COUNT, PASSIONS } from "../emotion/names.js";
import { describeAppraisal } from "../emotion/describe.js";
import type { EmotionState } from "../emotion/engine.js";
import { encodeEvent, toByte, NO_REFLEX_BYTE, type EventFacts } from "../link/codec.js";
import { REFLEXES } from "../face/reflexes.js";
import { DID_REFLEX, DID_SLEEP, DID_WAKE } from "./behaviour.js";

/** An event's sentence compares the emotions just before the stimulus with this much later (robot time). */
export const EVENT_SETTLE_MS = 1000;
/** Stimuli waiting to settle; more at once drop the oldest (a flood would not be read anyway). */
export const EVENTS_PENDING = 8;
/** Probability changes smaller than this (in 255ths) read as "little changed". */
export const NOTICEABLE_BYTES = 2;

const AT = 0;
const STIMULUS = 1;
const INTENSITY = 2;
const REACTION = 3;
const REFLEX = 4;
const DOMINANT = 5;
const SERVED = 6;
const VIOLATED = 7;
const FIELDS = 8;

export class EventTracker {
  private readonly facts = new Int32Array(EVENTS_PENDING * FIELDS);
  private readonly before = new Int32Array(EVENTS_PENDING * EMOTION_COUNT);
  private readonly out: EventFacts = { stimulus: 0, intensity: 0, reaction: 0, reflex: 0, dominantBefore: 0, dominantAfter: 0, moved: 0, before: 0, after: 0, at: 0, served: 0, violated: 0 };
  private head = 0;
  private count = 0;

  /**
   * A stimulus landed at `now` (Q8.24 intensity); `probabilities` and `dominant` are the state just
   * before it, `served` / `violated` the robot's appraisal of it (EmotionState bits).
   */
  start(now: number, stimulus: number, intensity: number, reaction: number, reflex: number, probabilities: Int32Array, dominant: number, served: number, violated: number): void {
    if (this.count === EVENTS_PENDING) {
      this.head = (this.head + 1) % EVENTS_PENDING;
      this.count--;
    }
    const slot = (this.head + this.count) % EVENTS_PENDING;
    const f = slot * FIELDS;
    this.facts[f + AT] = now;
    this.facts[f + STIMULUS] = stimulus;
    this.facts[f + INTENSITY] = intensity;
    this.facts[f + REACTION] = reaction;
    this.facts[f + REFLEX] = reflex;
    this.facts[f + DOMINANT] = dominant;
    this.facts[f + SERVED] = served;
    this.facts[f + VIOLATED] = violated;
    for (let e = 0; e < EMOTION_COUNT; e++) this.before[slot * EMOTION_COUNT + e] = probabilities[e];
    this.count++;
  }

  /** Writes the oldest event settled by `now` into `out` as an EVENT message and returns its length, or 0 when none is due. */
  next(now: number, state: EmotionState, out: Uint8Array): number {
    if (this.count === 0) return 0;
    const slot = this.head;
    const f = slot * FIELDS;
    if (((now - this.facts[f + AT]) | 0) < EVENT_SETTLE_MS) return 0;
    this.head = (this.head + 1) % EVENTS_PENDING;
    this.count--;
    const b = slot * EMOTION_COUNT;
    const p = state.probabilities;
    let moved = 0;
    let most = -1;
    for (let e = 0; e < EMOTION_COUNT; e++) {
      const d = p[e] - this.before[b + e];
      const m = d < 0 ? -d : d;
      if (m > most) {
        most = m;
        moved = e;
      }
    }
    const o = this.out;
    o.stimulus = this.facts[f + STIMULUS];
    o.intensity = toByte(this.facts[f + INTENSITY]);
    o.reaction = this.facts[f + REACTION];
    o.reflex = this.facts[f + REFLEX] < 0 ? NO_REFLEX_BYTE : this.facts[f + REFLEX];
    o.dominantBefore = this.facts[f + DOMINANT];
    o.dominantAfter = state.dominant;
    o.moved = moved;
    o.before = toByte(this.before[b + moved]);
    o.after = toByte(p[moved]);
    o.at = this.facts[f + AT];
    o.served = this.facts[f + SERVED];
    o.violated = this.facts[f + VIOLATED];
    return encodeEvent(out, o);
  }
}

/** The face's reaction in words: a reflex's name, "fell asleep", "woke up (with a ...)", or "". */
export function reactionWords(reaction: number, reflex: number): string {
  const name = reflex < REFLEXES.length ? REFLEXES[reflex].replace("_", " ") : "";
  if (reaction === DID_REFLEX && name) return name;
  if (reaction === DID_SLEEP) return "fell asleep";
  if (reaction === DID_WAKE) return name ? `woke up with a ${name}` : "woke up";
  return "";
}

/**
 * The event log's sentence from an EVENT's facts, e.g. "insult 0.80: mad rose to 0.22, joy still
 * leads; flinch": the emotion that moved most, where it went, who leads afterwards, which passions
 * made it land harder ("the lie hurt: integrity") and the face's reaction. `stimulus` is the
 * stimulus's name (the client's catalog).
 */
export function eventSentence(e: EventFacts, stimulus: string, emotions: readonly string[]): string {
  const delta = e.after - e.before;
  const leads = e.dominantAfter;
  let text = `${stimulus} ${(e.intensity / 255).toFixed(2)}: `;
  if ((delta < 0 ? -delta : delta) < NOTICEABLE_BYTES) text += `little changed, ${emotions[leads]} ${leads === e.dominantBefore ? "still leads" : "now leads"}`;
  else {
    text += `${emotions[e.moved]} ${delta > 0 ? "rose" : "fell"} to ${(e.after / 255).toFixed(2)}`;
    if (leads === e.dominantBefore) text += `, ${emotions[leads]} still leads`;
    else if (leads === e.moved) text += " and now leads";
    else text += `, ${emotions[leads]} now leads`;
  }
  const why = describeAppraisal(stimulus, e.served, e.violated, PASSIONS);
  if (why) text += `; ${why}`;
  const r = reactionWords(e.reaction, e.reflex);
  if (r) text += `; ${r}`;
  return text;
}
