/*
 * Echoing user input in one-line messages: values are described, not dumped. Long text is cut,
 * control and non-ASCII characters are escaped, and nesting is never walked (a 100k-deep array must
 * not overflow the stack while its error is being written).
 */
import { UsageError } from "./data.js";

const ECHO_MAX = 40;

/** A string as a quoted, escaped literal of at most `max` characters (then an ellipsis). */
export function quote(s: string, max = ECHO_MAX): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  let out = "";
  for (const ch of cut) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c > 0x7e) out += c > 0xffff ? `\\u{${c.toString(16)}}` : `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `"${out}"${s.length > max ? `... (${s.length} characters)` : ""}`;
}

/** What a parsed JSON value is, for "expected X, got Y" messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "a number too large to represent";
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return "an object";
}

/**
 * One line for the terminal: control characters escaped (a message never spans lines or moves the
 * cursor), and cut in the middle when it is very long.
 */
export function oneLine(message: string, max = 600): string {
  // eslint-disable-next-line no-control-regex
  let s = message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === "\n" ? " | " : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
  if (s.length > max) s = `${s.slice(0, max / 2)} ... ${s.slice(-max / 2)}`;
  return s;
}

/**
 * One line of a JSON Lines file that must hold an object: the object, or undefined for a blank line.
 * `where` names the file and line; `expected` says what the object holds ({"t", "stimulus"...}).
 */
export function parseObjectLine(rawLine: string, where: string, expected: string): Record<string, unknown> | undefined {
  const raw = rawLine.trim();
  if (raw === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError(`${where}: expected an object ${expected}, got ${describe(parsed)}`);
  return parsed as Record<string, unknown>;
}
