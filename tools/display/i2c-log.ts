/*
 * I2C logs (docs/formats/i2c-log.md): JSON Lines, one transaction per line, for recording what the
 * driver sends (`moodface sim --i2c-log`) and replaying it into a fresh virtual panel.
 */
import { UsageError } from "../lib/data.js";
import { describe, quote, parseObjectLine } from "../lib/text.js";
import { fileLines } from "../engine/events.js";

export interface LoggedTransaction {
  /** 7-bit address. */
  address: number;
  /** Bytes after the address byte. */
  bytes: Uint8Array;
  /** Milliseconds since the start of the recording, if known. */
  t?: number;
  /** Payload bytes the device acknowledged, if fewer than all (a NACK). */
  acked?: number;
}

// No repetition of groups: a 5 MB field must not recurse in the regular expression engine.
const HEX = /^[0-9a-f]*$/;

export function formatTransaction(tx: LoggedTransaction): string {
  const o: Record<string, unknown> = {};
  if (tx.t !== undefined) o.t = tx.t;
  o.address = tx.address.toString(16).padStart(2, "0");
  o.bytes = Buffer.from(tx.bytes.buffer, tx.bytes.byteOffset, tx.bytes.byteLength).toString("hex");
  if (tx.acked !== undefined && tx.acked < tx.bytes.length) o.acked = tx.acked;
  return JSON.stringify(o) + "\n";
}

/** Parses one line of a log (1-based `line`); undefined for a blank line. */
export function parseLogLine(rawLine: string, where: string): LoggedTransaction | undefined {
  const o = parseObjectLine(rawLine, where, '{"address", "bytes"}');
  if (!o) return undefined;
  for (const k of Object.keys(o)) if (!["t", "address", "bytes", "acked"].includes(k)) throw new UsageError(`${where}: field ${quote(k)}: unknown field`);
  const a = o.address;
  if (typeof a !== "string" || !/^[0-7]?[0-9a-f]$/.test(a)) throw new UsageError(`${where}: field "address": expected a 7-bit address in hex such as "3c", got ${describe(a)}`);
  const b = o.bytes;
  if (typeof b !== "string" || b.length % 2 !== 0 || !HEX.test(b)) throw new UsageError(`${where}: field "bytes": expected lower-case hex pairs, got ${describe(b)}`);
  const tx: LoggedTransaction = { address: parseInt(a, 16), bytes: new Uint8Array(Buffer.from(b, "hex")) };
  if (o.t !== undefined) {
    if (typeof o.t !== "number" || !(o.t >= 0) || !Number.isFinite(o.t)) throw new UsageError(`${where}: field "t": expected milliseconds >= 0, got ${describe(o.t)}`);
    tx.t = o.t;
  }
  if (o.acked !== undefined) {
    if (typeof o.acked !== "number" || !Number.isInteger(o.acked) || o.acked < 0 || o.acked > tx.bytes.length) throw new UsageError(`${where}: field "acked": expected a whole number from 0 to ${tx.bytes.length}, got ${describe(o.acked)}`);
    tx.acked = o.acked;
  }
  return tx;
}

export function parseLog(text: string, source: string): LoggedTransaction[] {
  const out: LoggedTransaction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const tx = parseLogLine(lines[i], `${source}:${i + 1}`);
    if (tx) out.push(tx);
  }
  return out;
}

/** The transactions of a log file, read line by line (a line holds at most a few KiB of frame). */
export function* streamLog(path: string): Generator<LoggedTransaction> {
  let i = 0;
  for (const text of fileLines(path, 1 << 20)) {
    i++;
    const tx = parseLogLine(text, `${path}:${i}`);
    if (tx) yield tx;
  }
}

export function readLog(path: string): LoggedTransaction[] {
  return [...streamLog(path)];
}

/** Feeds logged transactions to a device as the bus delivered them (NACKed tails are dropped). */
export function replay(log: Iterable<LoggedTransaction>, address: number, device: { receive(bytes: Uint8Array, length: number): void }): number {
  let n = 0;
  for (const tx of log) {
    if (tx.address !== address) continue;
    const length = tx.acked ?? tx.bytes.length;
    if (length > 0) device.receive(tx.bytes, length);
    n++;
  }
  return n;
}
