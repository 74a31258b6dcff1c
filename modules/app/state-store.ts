/*
 * Power-cut-safe saved state (docs/formats/saved-state.md): the payload (modules/app/saved.ts
 * bytes) kept as two alternating records, "stateA" and "stateB", each with a sequence number and a
 * CRC-32. A save overwrites the older record only, so a power cut at any moment of a write (Moddable's
 * esp32 Preference.set erases the key first, then writes) leaves the other, previous record intact.
 * Load takes the newest record that is whole (CRC) and valid (the caller's check), migrates the old
 * single "state" key once, and otherwise returns undefined with a trace: the robot starts at rest.
 *
 * Wiring (main.ts): const store = new StateStore(preferenceStore(Preference, "moodface"), { trace, valid });
 *   host.load = () => store.load();  host.save = (bytes) => { store.save(bytes); };
 */
import { crc32 } from "../common/crc32.js";

/** Keys of the two records and of the single-key format they replace (Preference: <= 15 characters). */
export const KEY_A = "stateA";
export const KEY_B = "stateB";
export const LEGACY_KEY = "state";

export const RECORD_MAGIC = 0x6d; // "m"
export const RECORD_VERSION = 1;
export const RECORD_HEADER = 8;
export const RECORD_TRAILER = 4;
export const MAX_PAYLOAD = 255;

/** get/set/delete by key, as Moddable's Preference in one domain. set may erase before it writes. */
export interface KeyValueStore {
  /** The stored value; anything but an ArrayBuffer (or a view) counts as absent. */
  get(key: string): unknown;
  set(key: string, value: ArrayBuffer): void;
  delete(key: string): void;
}

/** Moddable's Preference (esp32: NVS, erase then write) as a KeyValueStore in one domain. */
export function preferenceStore(
  preference: { get(domain: string, key: string): unknown; set(domain: string, key: string, value: ArrayBuffer): void; delete(domain: string, key: string): void },
  domain: string,
): KeyValueStore {
  return {
    get: (key) => preference.get(domain, key),
    set: (key, value) => preference.set(domain, key, value),
    delete: (key) => preference.delete(domain, key),
  };
}

export interface StateStoreOptions {
  trace(message: string): void;
  /** Whether a payload whose CRC is right is also meaningful (decodeSaved(b) !== undefined). */
  valid?(payload: Uint8Array): boolean;
}

/** A record: [magic 0x6d, version 1, sequence u32 LE, payload length u16 LE, payload, CRC-32 LE of all before]. */
export function encodeRecord(sequence: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  if (n > MAX_PAYLOAD) throw new RangeError(`state-store: payload of ${n} bytes, at most ${MAX_PAYLOAD}`);
  const out = new Uint8Array(RECORD_HEADER + n + RECORD_TRAILER);
  out[0] = RECORD_MAGIC;
  out[1] = RECORD_VERSION;
  putU32(out, 2, sequence);
  out[6] = n & 0xff;
  out[7] = n >>> 8;
  out.set(payload, RECORD_HEADER);
  putU32(out, RECORD_HEADER + n, crc32(out, 0, RECORD_HEADER + n));
  return out;
}

export interface DecodedRecord {
  sequence: number;
  payload: Uint8Array;
}

/** The record in `bytes`, or a string saying which byte or field is wrong (never throws). */
export function decodeRecord(bytes: Uint8Array): DecodedRecord | string {
  if (bytes.length < RECORD_HEADER + RECORD_TRAILER) return `record of ${bytes.length} bytes is too short`;
  if (bytes[0] !== RECORD_MAGIC) return "byte 0: not a state record";
  if (bytes[1] !== RECORD_VERSION) return `byte 1: record version ${bytes[1]}`;
  const n = bytes[6] | (bytes[7] << 8);
  if (n > MAX_PAYLOAD || bytes.length !== RECORD_HEADER + n + RECORD_TRAILER) return `bytes 6-7: payload length ${n} does not match the record's ${bytes.length} bytes`;
  if (getU32(bytes, RECORD_HEADER + n) !== crc32(bytes, 0, RECORD_HEADER + n)) return `bytes ${RECORD_HEADER + n}-${RECORD_HEADER + n + 3}: CRC-32 mismatch`;
  return { sequence: getU32(bytes, 2), payload: bytes.slice(RECORD_HEADER, RECORD_HEADER + n) };
}

/** a is newer than b, in serial-number arithmetic (RFC 1982): wrap-around from 2^32 - 1 to 0 is fine. */
export function newer(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export class StateStore {
  /** Sequence number of the newest record (valid after load or save). */
  sequence = 0;
  /** Slot of the newest record: 0 = A, 1 = B, -1 = none. */
  newest = -1;
  private readonly store: KeyValueStore;
  private readonly options: StateStoreOptions;
  private last: Uint8Array | undefined;

  constructor(store: KeyValueStore, options: StateStoreOptions) {
    this.store = store;
    this.options = options;
  }

  /** The newest whole and valid saved payload, or undefined (then the robot starts at rest). */
  load(): Uint8Array | undefined {
    const a = this.read(KEY_A);
    const b = this.read(KEY_B);
    let pick: DecodedRecord | undefined;
    let slot = -1;
    if (typeof a !== "string" && (typeof b === "string" || !newer(b.sequence, a.sequence))) {
      pick = a;
      slot = 0;
    } else if (typeof b !== "string") {
      pick = b;
      slot = 1;
    }
    if (pick) {
      const other = slot === 0 ? b : a;
      if (typeof other === "string" && other !== "absent") this.trace(`saved state ${slot === 0 ? KEY_B : KEY_A} ignored: ${other}`);
      this.sequence = pick.sequence;
      this.newest = slot;
      this.last = pick.payload;
      this.dropLegacy();
      return pick.payload;
    }
    this.newest = -1;
    this.sequence = 0;
    const legacy = this.bytes(LEGACY_KEY);
    if (legacy && this.valid(legacy)) {
      // Migrate: write record A (a power cut now leaves the old key in place), then drop the old key.
      if (this.save(legacy)) this.dropLegacy();
      return legacy;
    }
    this.trace(`no saved state (${KEY_A}: ${a}; ${KEY_B}: ${b}${legacy ? `; ${LEGACY_KEY}: not a valid record` : ""}); starting at rest`);
    return undefined;
  }

  /**
   * Saves `payload` into the older slot with the next sequence number. Returns false when nothing
   * was written: the payload is what was last saved, or the store failed (traced).
   */
  save(payload: Uint8Array): boolean {
    if (this.last && equal(this.last, payload)) return false;
    const slot = this.newest === 0 ? 1 : 0;
    const sequence = this.newest < 0 ? 1 : (this.sequence + 1) >>> 0;
    const record = encodeRecord(sequence, payload);
    try {
      this.store.set(slot === 0 ? KEY_A : KEY_B, record.buffer as ArrayBuffer);
    } catch (err) {
      this.trace(`saving the state failed: ${(err as Error)?.message ?? err}`);
      return false;
    }
    this.newest = slot;
    this.sequence = sequence;
    this.last = payload.slice();
    return true;
  }

  private read(key: string): DecodedRecord | string {
    const bytes = this.bytes(key);
    if (!bytes) return "absent";
    const r = decodeRecord(bytes);
    if (typeof r === "string") return r;
    if (!this.valid(r.payload)) return "payload rejected";
    return r;
  }

  private bytes(key: string): Uint8Array | undefined {
    let v: unknown;
    try {
      v = this.store.get(key);
    } catch (err) {
      this.trace(`reading ${key} failed: ${(err as Error)?.message ?? err}`);
      return undefined;
    }
    if (v instanceof ArrayBuffer) return new Uint8Array(v);
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return undefined;
  }

  private valid(payload: Uint8Array): boolean {
    try {
      return this.options.valid ? this.options.valid(payload) : true;
    } catch {
      return false;
    }
  }

  private dropLegacy(): void {
    try {
      if (this.store.get(LEGACY_KEY) !== undefined) this.store.delete(LEGACY_KEY);
    } catch (err) {
      this.trace(`deleting ${LEGACY_KEY} failed: ${(err as Error)?.message ?? err}`);
    }
  }

  private trace(message: string): void {
    this.options.trace(`moodface: ${message}\n`);
  }
}

function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = v >>> 24;
}

function getU32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
