/*
 * The web app's event log: each stimulus the robot acknowledged, a second later, in the sentence
 * the simulator page shows too (modules/emotion/describe.ts), with the passions the robot says it
 * touched (its ACK's appraisal: "the lie hurt: integrity"), the reflex the behaviour table gives it, and a dashed marker on the charts at the moment it landed.
 */
import { Chart } from "chart.js";
import { eventMarksPlugin } from "./event-marks.js";
import { describeEvent } from "../../../modules/emotion/describe.js";
import { EMOTIONS } from "../../../modules/emotion/names.js";
import { REFLEXES } from "../../../modules/face/reflexes.js";
import type { Behaviour } from "../../../modules/app/behaviour.js";

export const SETTLE_MS = 1000;
const LOG_MAX = 8;
const MARK_MAX = 64;

interface Pending {
  at: number;
  stimulus: string;
  index: number;
  intensity: number;
  before: number[];
  dominant: number;
  served: number;
  violated: number;
}

export class EventLog {
  readonly lines: string[] = [];
  private readonly marks: { t: number; label: string }[] = [];
  private readonly pending: Pending[] = [];
  private probabilities: number[] = [];
  private dominant = -1;

  constructor(
    private readonly list: HTMLElement | null,
    private readonly behaviour: Behaviour | undefined,
  ) {
    const marks = this.marks;
    Chart.register(eventMarksPlugin(marks) as never);
  }

  /**
   * The robot acknowledged stimulus `index` (`name`) sent at `intensity` (0..1); `now` in ms, `chartT`
   * the charts' x; `served` / `violated`: the robot's own appraisal from the ACK (codec decodeAck).
   */
  applied(index: number, name: string, intensity: number, now: number, chartT: number, served = 0, violated = 0): void {
    this.marks.push({ t: chartT, label: name });
    if (this.marks.length > MARK_MAX) this.marks.shift();
    this.pending.push({ at: now, stimulus: name, index, intensity, before: this.probabilities.slice(), dominant: this.dominant, served, violated });
  }

  /** Each STATE: completes the events a second old. */
  state(probabilities: readonly number[], dominant: number, now: number): void {
    this.probabilities = probabilities.slice();
    this.dominant = dominant;
    while (this.pending.length && now - this.pending[0].at >= SETTLE_MS) {
      const p = this.pending.shift()!;
      if (p.before.length === 0) continue;
      const b = this.behaviour;
      const r = b && p.index < b.reflexOf.length && p.intensity * 16777216 >= b.reflexMin[p.index] ? b.reflexOf[p.index] : -1;
      const text = describeEvent({ stimulus: p.stimulus, intensity: p.intensity, before: p.before, after: probabilities, emotions: EMOTIONS, dominantBefore: p.dominant, dominantAfter: dominant, served: p.served, violated: p.violated, reaction: r >= 0 ? REFLEXES[r].replace("_", " ") : "" });
      this.lines.push(text);
      if (this.lines.length > LOG_MAX) this.lines.shift();
      if (this.list) {
        const li = document.createElement("li");
        li.textContent = text;
        this.list.prepend(li);
        while (this.list.children.length > LOG_MAX) this.list.lastElementChild!.remove();
      }
    }
  }
}
