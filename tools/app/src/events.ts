/*
 * The page's event log: the robot's own EVENT messages (modules/app/events.ts: what each stimulus
 * did, a second later, as the robot saw it) in the one sentence every client writes from them, and
 * a dashed marker on the charts where each stimulus landed. Nothing is predicted here.
 */
import { Chart } from "chart.js";
import { eventMarksPlugin, type EventMark } from "./event-marks.js";
import { decodeEvent, type EventFacts } from "../../../modules/link/codec.js";
import { eventSentence } from "../../../modules/app/events.js";
import { EMOTIONS } from "../../../modules/emotion/names.js";

const LOG_MAX = 8;
const MARK_MAX = 64;

export class EventLog {
  /** The sentences, oldest first (the newest LOG_MAX). */
  readonly lines: string[] = [];
  readonly marks: EventMark[] = [];

  constructor(private readonly list: HTMLElement | null) {
    Chart.register(eventMarksPlugin(this.marks) as never);
  }

  /**
   * An EVENT message; `names` is the catalog's stimulus names, `chartT` maps the robot time of the
   * stimulus (s) to the charts' x. Returns the sentence, or undefined for a malformed EVENT (refused).
   */
  add(bytes: Uint8Array, names: readonly string[], chartT: (e: EventFacts) => number): string | undefined {
    const e = decodeEvent(bytes);
    if (!e || e.stimulus >= names.length) return undefined;
    const text = eventSentence(e, names[e.stimulus], EMOTIONS);
    this.marks.push({ t: chartT(e), label: names[e.stimulus] });
    if (this.marks.length > MARK_MAX) this.marks.shift();
    this.lines.push(text);
    if (this.lines.length > LOG_MAX) this.lines.shift();
    if (this.list) {
      const li = document.createElement("li");
      li.textContent = text;
      this.list.prepend(li);
      while (this.list.children.length > LOG_MAX) this.list.lastElementChild!.remove();
    }
    return text;
  }

  /** A new robot (a new clock): nothing of the old one stays. */
  clear(): void {
    this.lines.length = 0;
    this.marks.length = 0;
    this.list?.replaceChildren();
  }
}
