/*
 * The simulator's stand-in for the board's flash (Moddable's Preference in one domain): a
 * KeyValueStore kept in one file, so the simulator saves its state through the board's own A/B
 * store with CRC (modules/app/state-store.ts), and the code under test is the code on the board.
 * Every set or delete rewrites the file atomically (write-file-atomic: a temp file, then rename),
 * so a crash leaves the old file or the new one, never half of one.
 *
 * File (docs/formats/saved-state.md, "The simulator's flash file"): "mfkv", then entries
 * [key length u8, key (ASCII), value length u16 LE, value]. A file that does not parse is refused
 * whole, with one line naming the byte at fault: every key then reads as absent. A file that does
 * not start with "m" is the bare payload older simulators wrote: it reads as the store's old single
 * key, which the store migrates (and checks) as it does on the board.
 */
import { existsSync, readFileSync } from "node:fs";
import writeFileAtomic from "write-file-atomic";
import { LEGACY_KEY, StateStore, type KeyValueStore } from "../../modules/app/state-store.js";
import { decodeSaved } from "../../modules/app/saved.js";

export const FLASH_MAGIC = "mfkv";

/** The entries of a flash file, or a string naming the byte at fault. */
export function decodeFlash(bytes: Uint8Array): Map<string, Uint8Array> | string {
  const out = new Map<string, Uint8Array>();
  if (bytes.length < 4 || String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) !== FLASH_MAGIC) return `bytes 0-3: not a moodface flash file (expected "${FLASH_MAGIC}")`;
  let i = 4;
  while (i < bytes.length) {
    const k = bytes[i];
    if (k === 0 || i + 1 + k + 2 > bytes.length) return `byte ${i}: key length ${k} runs past the end of the file (${bytes.length} bytes)`;
    let key = "";
    for (let j = 0; j < k; j++) {
      const c = bytes[i + 1 + j];
      if (c < 0x21 || c > 0x7e) return `byte ${i + 1 + j}: key holds byte 0x${c.toString(16).padStart(2, "0")}, not printable ASCII`;
      key += String.fromCharCode(c);
    }
    const at = i + 1 + k;
    const n = bytes[at] | (bytes[at + 1] << 8);
    if (at + 2 + n > bytes.length) return `bytes ${at}-${at + 1}: value length ${n} runs past the end of the file (${bytes.length} bytes)`;
    if (out.has(key)) return `byte ${i}: key "${key}" twice`;
    out.set(key, bytes.slice(at + 2, at + 2 + n));
    i = at + 2 + n;
  }
  return out;
}

export function encodeFlash(entries: Map<string, Uint8Array>): Uint8Array {
  const parts: number[] = [...FLASH_MAGIC].map((c) => c.charCodeAt(0));
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) throw new RangeError(`flash file: key ${JSON.stringify(key)} is not 1-255 printable ASCII characters`);
    if (value.length > 0xffff) throw new RangeError(`flash file: value of ${key} is ${value.length} bytes, at most 65535`);
    parts.push(key.length, ...[...key].map((c) => c.charCodeAt(0)), value.length & 0xff, value.length >>> 8, ...value);
  }
  return Uint8Array.from(parts);
}

/** A KeyValueStore in `path`; a file that does not parse is traced once (one line) and read as empty (`refused`). */
export function flashFile(path: string, trace: (message: string) => void): KeyValueStore & { readonly refused: boolean } {
  let refused = false;
  let entries: Map<string, Uint8Array> | undefined;
  const read = (): Map<string, Uint8Array> => {
    if (entries) return entries;
    entries = new Map();
    if (!existsSync(path)) return entries;
    const bytes = new Uint8Array(readFileSync(path));
    // A file from simulators before the flash file: the bare payload, which the store migrates from
    // its old single key as on the board. (No flash file with one bit flipped passes for one: a
    // payload starts with its version, 1, and a flash file with "m".)
    if (bytes.length > 0 && bytes[0] !== FLASH_MAGIC.charCodeAt(0)) {
      entries.set(LEGACY_KEY, bytes);
      return entries;
    }
    const r = decodeFlash(bytes);
    if (typeof r === "string") {
      refused = true;
      trace(`moodface: ${path}: ${r}; its saved state is refused\n`);
    } else entries = r;
    return entries;
  };
  const write = () => writeFileAtomic.sync(path, Buffer.from(encodeFlash(read())));
  return {
    get refused() {
      return refused;
    },
    get: (key) => {
      const v = read().get(key);
      return v ? v.slice().buffer : undefined;
    },
    set: (key, value) => {
      read().set(key, new Uint8Array(value.slice(0)));
      write();
    },
    delete: (key) => {
      if (read().delete(key)) write();
    },
  };
}

/**
 * The simulator's saved state: the board's StateStore (A/B records, CRC, valid = decodeSaved) over
 * the flash file at `path`. Whatever is wrong is said in one line: the file's own line when it does
 * not parse (the store's "no saved state" would only repeat it), else the store's.
 */
export function openStateFile(path: string, trace: (message: string) => void): StateStore {
  const flash = flashFile(path, trace);
  let loading = false;
  const store = new StateStore(flash, { trace: (m) => (loading && flash.refused ? undefined : trace(m)), valid: (p) => decodeSaved(p) !== undefined });
  const load = store.load.bind(store);
  store.load = () => {
    loading = true;
    try {
      return load();
    } finally {
      loading = false;
    }
  };
  return store;
}

/** The saved payload in a simulator state file, as the simulator would load it (tests and tools), or undefined. */
export function readStateFile(path: string): Uint8Array | undefined {
  return openStateFile(path, () => {}).load();
}
