/*
 * Field checks shared by the loaders of profiles, stimulus catalogs and the feeling wheel.
 * Every failure names the source (file or message), the field path and what is allowed, so a maker
 * editing a JSON file can fix it without reading code. Loaders run at start-up or when a new profile
 * arrives, never per tick, so plain objects and exceptions are fine here.
 */

export class DataError extends Error {
  readonly source: string;
  readonly field: string;
  constructor(source: string, field: string, problem: string) {
    super(`${source}: ${field}: ${problem}`);
    this.name = "DataError";
    this.source = source;
    this.field = field;
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Walks a parsed JSON document, remembering where it is for error messages. */
export class Checker {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }

  fail(field: string, problem: string): never {
    throw new DataError(this.source, field, problem);
  }

  object(value: unknown, field: string): JsonObject {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.fail(field, `expected an object, got ${describe(value)}`);
    }
    return value as JsonObject;
  }

  array(value: unknown, field: string): Json[] {
    if (!Array.isArray(value)) this.fail(field, `expected an array, got ${describe(value)}`);
    return value as Json[];
  }

  string(value: unknown, field: string): string {
    if (typeof value !== "string" || value.length === 0) {
      this.fail(field, `expected a non-empty string, got ${describe(value)}`);
    }
    return value as string;
  }

  /** A finite number in [min, max]; `minOpen` excludes min itself. */
  number(value: unknown, field: string, min: number, max: number, minOpen = false): number {
    if (typeof value !== "number" || !isFinite(value)) {
      this.fail(field, `expected a number, got ${describe(value)}`);
    }
    const v = value as number;
    if ((minOpen ? v <= min : v < min) || v > max) {
      this.fail(field, `${v} is out of range (allowed ${minOpen ? "greater than" : "from"} ${min} ${minOpen ? "and up to" : "to"} ${max})`);
    }
    return v;
  }

  integer(value: unknown, field: string, min: number, max: number): number {
    const v = this.number(value, field, min, max);
    if (Math.floor(v) !== v) this.fail(field, `expected a whole number, got ${v}`);
    return v;
  }

  /** One of a fixed set of names; returns its index in `names`. */
  oneOf(value: unknown, field: string, names: readonly string[]): number {
    const s = this.string(value, field);
    const i = names.indexOf(s);
    if (i < 0) this.fail(field, `unknown name "${s}" (allowed: ${names.join(", ")})`);
    return i;
  }

  /** The document header every moodface data file starts with. */
  header(doc: unknown, format: string, version: number): JsonObject {
    const o = this.object(doc, "(document)");
    if (o.format !== format) this.fail("format", `expected "${format}", got ${describe(o.format)}`);
    if (o.version !== version) {
      this.fail("version", `this firmware reads version ${version}, the file has ${describe(o.version)}`);
    }
    return o;
  }

  /** Rejects keys not in `allowed`, which catches typos such as "dopamin". */
  keys(o: JsonObject, field: string, allowed: readonly string[]): void {
    for (const k in o) {
      if (allowed.indexOf(k) < 0) {
        this.fail(field === "" ? k : `${field}.${k}`, `unknown field (allowed: ${allowed.join(", ")})`);
      }
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "object") return "an object";
  return String(value);
}
