/*
 * One sentence for what a stimulus did, shown in the simulator page's event log (computed by the
 * simulator, tools/sim/server.ts) and in the stimulus web app's (tools/app/src/events.ts):
 * "insult 0.80: mad rose to 0.22, joy still leads". The emotion that moved most, where it went, and
 * who leads afterwards; which passions made it land harder, from the robot's own appraisal ("; the
 * lie hurt: integrity"); the face's reaction when there was one ("; flinch"). Plain ECMAScript with
 * no host APIs, so the browser bundles it as it bundles the codec.
 */

import { PASSIONS } from "./names.js";

export interface EventSummary {
  /** The stimulus's name and its intensity, 0..1. */
  readonly stimulus: string;
  readonly intensity: number;
  /** Emotion probabilities (0..1, EMOTIONS order) just before the stimulus and a moment after. */
  readonly before: ArrayLike<number>;
  readonly after: ArrayLike<number>;
  readonly emotions: readonly string[];
  /** The dominant emotion (index) before and after, when known (the engine holds it by hysteresis); otherwise the most probable. */
  readonly dominantBefore?: number;
  readonly dominantAfter?: number;
  /** What the face did: a reflex's name, "fell asleep", "woke up"; empty for nothing. */
  readonly reaction?: string;
  /** The robot's appraisal (EmotionState.served / .violated): bit p set for PASSIONS[p]. */
  readonly served?: number;
  readonly violated?: number;
}

/**
 * Why an event landed harder, from the robot's own appraisal bits (EmotionState.served, .violated):
 * "the lie hurt: integrity", "the new idea pleased: learning, innovation", both joined by "; ".
 * Empty when the event touched no passion the robot holds.
 */
export function describeAppraisal(stimulus: string, served: number, violated: number, passions: readonly string[]): string {
  const list = (mask: number) => {
    const out: string[] = [];
    for (let p = 0; p < passions.length; p++) if (mask & (1 << p)) out.push(passions[p].replace(/_/g, " "));
    return out.join(", ");
  };
  const what = `the ${stimulus.replace(/_/g, " ")}`;
  const parts: string[] = [];
  if (violated) parts.push(`${what} hurt: ${list(violated)}`);
  if (served) parts.push(`${parts.length ? "it" : what} pleased: ${list(served)}`);
  return parts.join("; ");
}

/** Changes smaller than this read as "little changed". */
export const NOTICEABLE = 0.005;

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

export function describeEvent(e: EventSummary): string {
  const n = Math.min(e.before.length, e.after.length, e.emotions.length);
  let moved = 0;
  for (let i = 1; i < n; i++) if (Math.abs(e.after[i] - e.before[i]) > Math.abs(e.after[moved] - e.before[moved])) moved = i;
  const delta = e.after[moved] - e.before[moved];
  const was = e.dominantBefore ?? argmax(e.before);
  const leads = e.dominantAfter ?? argmax(e.after);
  const name = e.emotions[moved];
  let text = `${e.stimulus} ${e.intensity.toFixed(2)}: `;
  if (Math.abs(delta) < NOTICEABLE) text += `little changed, ${e.emotions[leads]} ${leads === was ? "still leads" : "now leads"}`;
  else {
    text += `${name} ${delta > 0 ? "rose" : "fell"} to ${e.after[moved].toFixed(2)}`;
    if (leads === was) text += `, ${e.emotions[leads]} still leads`;
    else if (leads === moved) text += " and now leads";
    else text += `, ${e.emotions[leads]} now leads`;
  }
  const why = describeAppraisal(e.stimulus, e.served ?? 0, e.violated ?? 0, PASSIONS);
  if (why) text += `; ${why}`;
  if (e.reaction) text += `; ${e.reaction}`;
  return text;
}
