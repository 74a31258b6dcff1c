/*
 * Stimulus event files for `moodface engine simulate`: JSON Lines, one {"t", "stimulus", "intensity"}
 * per line (docs/formats/events.md). Every problem names the file, the line and the field. Files are
 * read line by line, never whole, so a file of any size needs memory for one line only.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { closest, distance } from "fastest-levenshtein";
import type { Catalog } from "../../modules/emotion/catalog.js";
import { UsageError } from "../lib/data.js";
import { reason } from "../lib/files.js";
import { describe, quote, parseObjectLine } from "../lib/text.js";

export interface StimulusEvent {
  /** Milliseconds from the start of the simulation. */
  readonly t: number;
  readonly stimulus: string;
  /** 0..1 */
  readonly intensity: number;
  /** Line number in the source file, for messages. */
  readonly line: number;
}

const EVENT_FIELDS = ["t", "stimulus", "intensity"];
/** Longer lines are refused: an event is under 100 bytes. */
export const MAX_LINE = 1 << 16;

/** Parses one line (1-based `line`); returns undefined for a blank line. `lastT` enforces time order. */
export function parseEventLine(rawLine: string, where: string, line: number, catalog: Catalog, lastT: number): StimulusEvent | undefined {
  const ev = parseObjectLine(rawLine, where, '{"t", "stimulus", "intensity"}');
  if (!ev) return undefined;
  for (const k of Object.keys(ev)) {
    if (!EVENT_FIELDS.includes(k)) throw new UsageError(`${where}: field ${quote(k)}: unknown field (allowed: ${EVENT_FIELDS.join(", ")})`);
  }
  const t = ev.t;
  if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0) {
    throw new UsageError(`${where}: field "t": expected whole milliseconds >= 0, got ${describe(t)}`);
  }
  if (t < lastT) throw new UsageError(`${where}: field "t": ${t} ms is earlier than the line before (${lastT} ms); events must be in time order`);
  const name = ev.stimulus;
  if (typeof name !== "string") throw new UsageError(`${where}: field "stimulus": expected a stimulus name, got ${describe(name)}`);
  if (!catalog.names.includes(name)) {
    const hint = name.length <= 64 ? nearest(name, catalog.names) : undefined;
    throw new UsageError(`${where}: field "stimulus": unknown stimulus ${quote(name)}${hint ? ` (did you mean "${hint}"?)` : ""}; see \`moodface engine stimuli\``);
  }
  const intensity = ev.intensity === undefined ? 1 : ev.intensity;
  if (typeof intensity !== "number" || !(intensity >= 0 && intensity <= 1)) {
    throw new UsageError(`${where}: field "intensity": expected a number from 0 to 1, got ${describe(intensity)}`);
  }
  return { t, stimulus: name, intensity, line };
}

export function parseEvents(text: string, source: string, catalog: Catalog): StimulusEvent[] {
  const events: StimulusEvent[] = [];
  const lines = text.split(/\r?\n/);
  let lastT = 0;
  for (let i = 0; i < lines.length; i++) {
    const ev = parseEventLine(lines[i], `${source}:${i + 1}`, i + 1, catalog, lastT);
    if (ev) {
      events.push(ev);
      lastT = ev.t;
    }
  }
  return events;
}

/** Events back to the JSON Lines text that parseEvents reads. */
export function formatEvents(events: readonly Pick<StimulusEvent, "t" | "stimulus" | "intensity">[]): string {
  return events.map((e) => JSON.stringify({ t: e.t, stimulus: e.stimulus, intensity: e.intensity }) + "\n").join("");
}

/** The lines of a text file, read in 64 KiB chunks; a line longer than MAX_LINE is an error. */
export function* fileLines(path: string, maxLine = MAX_LINE): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UsageError(`${path}: cannot read: ${reason(e)}`);
  }
  const buf = Buffer.alloc(1 << 16);
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  let line = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw new UsageError(`${path}: cannot read: ${reason(e)}`);
      }
      const text = rest + decoder.decode(buf.subarray(0, n), { stream: n > 0 });
      const parts = text.split("\n");
      rest = parts.pop()!;
      for (const p of parts) {
        line++;
        yield p.endsWith("\r") ? p.slice(0, -1) : p;
      }
      if (rest.length > maxLine) throw new UsageError(`${path}:${line + 1}: line longer than ${maxLine} characters`);
      if (n === 0) break;
    }
    if (rest !== "") yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Streams the events of a file, checking each line as it comes. */
export function* streamEvents(path: string, catalog: Catalog): Generator<StimulusEvent> {
  let i = 0;
  let lastT = 0;
  for (const text of fileLines(path)) {
    i++;
    const ev = parseEventLine(text, `${path}:${i}`, i, catalog, lastT);
    if (ev) {
      lastT = ev.t;
      yield ev;
    }
  }
}

/** Checks a whole events file without keeping it: the number of events and how many fall after `afterMs`. */
export function checkEvents(path: string, catalog: Catalog, afterMs = Infinity): { count: number; late: number } {
  let count = 0;
  let late = 0;
  for (const ev of streamEvents(path, catalog)) {
    count++;
    if (ev.t > afterMs) late++;
  }
  return { count, late };
}

export function readEvents(path: string, catalog: Catalog): StimulusEvent[] {
  return [...streamEvents(path, catalog)];
}

/** The known name nearest to a typo (edit distance at most 3), for "did you mean". */
function nearest(name: string, names: readonly string[]): string | undefined {
  const best = closest(name, names as string[]);
  return distance(name, best) <= 3 ? best : undefined;
}
