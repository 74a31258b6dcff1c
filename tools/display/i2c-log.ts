/*
 * I2C logs (docs/formats/i2c-log.md): JSON Lines, one transaction per line, for recording what the
 * driver sends (`moodface sim --i2c-log`) and replaying it into a fresh virtual panel.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../lib/data.js";

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

const HEX = /^([0-9a-f]{2})*$/;

export function formatTransaction(tx: LoggedTransaction): string {
  const o: Record<string, unknown> = {};
  if (tx.t !== undefined) o.t = tx.t;
  o.address = tx.address.toString(16).padStart(2, "0");
  o.bytes = Buffer.from(tx.bytes.buffer, tx.bytes.byteOffset, tx.bytes.byteLength).toString("hex");
  if (tx.acked !== undefined && tx.acked < tx.bytes.length) o.acked = tx.acked;
  return JSON.stringify(o) + "\n";
}

export function parseLog(text: string, source: string): LoggedTransaction[] {
  const out: LoggedTransaction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    const where = `${source}:${i + 1}`;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(raw);
    } catch (e) {
      throw new UsageError(`${where}: not valid JSON (${(e as Error).message})`);
    }
    for (const k of Object.keys(o)) if (!["t", "address", "bytes", "acked"].includes(k)) throw new UsageError(`${where}: field "${k}": unknown field`);
    const a = o.address;
    if (typeof a !== "string" || !/^[0-7]?[0-9a-f]$/.test(a)) throw new UsageError(`${where}: field "address": expected a 7-bit address in hex such as "3c", got ${JSON.stringify(a)}`);
    const b = o.bytes;
    if (typeof b !== "string" || !HEX.test(b)) throw new UsageError(`${where}: field "bytes": expected lower-case hex pairs, got ${JSON.stringify(b)?.slice(0, 40)}`);
    const tx: LoggedTransaction = { address: parseInt(a, 16), bytes: new Uint8Array(Buffer.from(b, "hex")) };
    if (o.t !== undefined) {
      if (typeof o.t !== "number" || !(o.t >= 0)) throw new UsageError(`${where}: field "t": expected milliseconds >= 0`);
      tx.t = o.t;
    }
    if (o.acked !== undefined) {
      if (typeof o.acked !== "number" || !Number.isInteger(o.acked) || o.acked < 0 || o.acked > tx.bytes.length) throw new UsageError(`${where}: field "acked": expected a whole number from 0 to ${tx.bytes.length}`);
      tx.acked = o.acked;
    }
    out.push(tx);
  }
  return out;
}

export function readLog(path: string): LoggedTransaction[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseLog(text, path);
}

/** Feeds logged transactions to a device as the bus delivered them (NACKed tails are dropped). */
export function replay(log: readonly LoggedTransaction[], address: number, device: { receive(bytes: Uint8Array, length: number): void }): number {
  let n = 0;
  for (const tx of log) {
    if (tx.address !== address) continue;
    const length = tx.acked ?? tx.bytes.length;
    if (length > 0) device.receive(tx.bytes, length);
    n++;
  }
  return n;
}
