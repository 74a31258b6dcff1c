/*
 * Stimulus event files for `moodface engine simulate`: JSON Lines, one {"t", "stimulus", "intensity"}
 * per line (docs/formats/events.md). Every problem names the file, the line and the field.
 */
import { readFileSync } from "node:fs";
import { closest, distance } from "fastest-levenshtein";
import type { Catalog } from "../../modules/emotion/catalog.js";
import { UsageError } from "../lib/data.js";

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

export function parseEvents(text: string, source: string, catalog: Catalog): StimulusEvent[] {
  const events: StimulusEvent[] = [];
  const lines = text.split(/\r?\n/);
  let lastT = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    const where = `${source}:${i + 1}`;
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch (e) {
      throw new UsageError(`${where}: not valid JSON (${(e as Error).message})`);
    }
    if (o === null || typeof o !== "object" || Array.isArray(o)) throw new UsageError(`${where}: expected an object {"t", "stimulus", "intensity"}`);
    const ev = o as Record<string, unknown>;
    for (const k of Object.keys(ev)) {
      if (!EVENT_FIELDS.includes(k)) throw new UsageError(`${where}: field "${k}": unknown field (allowed: ${EVENT_FIELDS.join(", ")})`);
    }
    const t = ev.t;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 0) {
      throw new UsageError(`${where}: field "t": expected whole milliseconds >= 0, got ${JSON.stringify(t)}`);
    }
    if (t < lastT) throw new UsageError(`${where}: field "t": ${t} ms is earlier than the line before (${lastT} ms); events must be in time order`);
    lastT = t;
    const name = ev.stimulus;
    if (typeof name !== "string") throw new UsageError(`${where}: field "stimulus": expected a stimulus name, got ${JSON.stringify(name)}`);
    if (!catalog.names.includes(name)) {
      const hint = nearest(name, catalog.names);
      throw new UsageError(`${where}: field "stimulus": unknown stimulus "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; see \`moodface engine stimuli\``);
    }
    const intensity = ev.intensity === undefined ? 1 : ev.intensity;
    if (typeof intensity !== "number" || !(intensity >= 0 && intensity <= 1)) {
      throw new UsageError(`${where}: field "intensity": expected a number from 0 to 1, got ${JSON.stringify(intensity)}`);
    }
    events.push({ t, stimulus: name, intensity, line: i + 1 });
  }
  return events;
}

/** Events back to the JSON Lines text that parseEvents reads. */
export function formatEvents(events: readonly Pick<StimulusEvent, "t" | "stimulus" | "intensity">[]): string {
  return events.map((e) => JSON.stringify({ t: e.t, stimulus: e.stimulus, intensity: e.intensity }) + "\n").join("");
}

export function readEvents(path: string, catalog: Catalog): StimulusEvent[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseEvents(text, path, catalog);
}

/** The known name nearest to a typo (edit distance at most 3), for "did you mean". */
function nearest(name: string, names: readonly string[]): string | undefined {
  const best = closest(name, names as string[]);
  return distance(name, best) <= 3 ? best : undefined;
}
